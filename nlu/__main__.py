"""`python -m nlu parse "TEXT"`: print the parsed request as one JSON object."""

from __future__ import annotations

import argparse
import sys

from nlu import parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlu", description="wuye-desk request parser")
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("parse", help="parse one message")
    one.add_argument("text")
    args = parser.parse_args(argv)
    if args.command == "parse":
        print(parse(args.text).to_json())
    return 0


if __name__ == "__main__":
    sys.exit(main())
