"""`wuye run`: start the service (HTTP server, channels, outbox worker) with the settings from the environment."""

from __future__ import annotations

import argparse
import logging
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `run` to the CLI."""
    run = subparsers.add_parser(
        "run", help="start the service: web console, channels, outbox worker (settings: WUYE_* / WUYE_CONFIG)"
    )
    run.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from bot.config import read_settings
    from bot.service import run_service

    report = read_settings()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if report.problems:
        for problem in report.problems:
            print(f"error: {problem}", file=sys.stderr)
        print("fix the settings above (`wuye config check` shows them all), then run again", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_service(report.settings)
