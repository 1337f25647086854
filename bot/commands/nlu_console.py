"""`wuye nlu` and `wuye parse`: the request parser in an interactive console, or on one message."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from nlu import parse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `nlu` and `parse` to the CLI."""
    nlu = subparsers.add_parser(
        "nlu", help="the request parser in an interactive console: type a message, see the request"
    )
    nlu.set_defaults(handler=lambda args: console(sys.stdin, sys.stdout))
    one = subparsers.add_parser("parse", help="parse one message and print the request as JSON")
    one.add_argument("text")
    one.set_defaults(handler=lambda args: print(parse(args.text).to_json()) or 0)


def console(stdin: TextIO, stdout: TextIO) -> int:
    """Read messages line by line and print what the parser understood, until EOF or `exit`."""
    interactive = stdin.isatty()
    stdout.write("wuye-desk 请求解析控制台 — 输入住户消息，回车解析；Ctrl-D 或 exit 退出。\n")
    while True:
        if interactive:
            stdout.write("住户> ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip() in {"exit", "quit", "退出"}:
            return 0
        if not line.strip():
            continue
        result = parse(line.rstrip("\n"))
        stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        stdout.flush()
