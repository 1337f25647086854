"""`wuye config check`: the settings in effect, where each came from, and which channels they turn on."""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from typing import TextIO

from bot.config import CONFIG_ENV, Settings, SettingsReport, env_name, read_settings, shown_value


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `config` with its subcommands to the CLI."""
    config = subparsers.add_parser("config", help="service settings (WUYE_* environment, WUYE_CONFIG file)")
    commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = commands.add_parser("check", help="show the settings in effect (secrets masked); exit 1 if any is invalid")
    check.set_defaults(handler=lambda args: check_settings(read_settings(), sys.stdout, sys.stderr))


def check_settings(report: SettingsReport, out: TextIO, err: TextIO) -> int:
    """Print the settings, their sources and the channels; returns 1 when a value is invalid, else 0."""
    print(f"settings file ({CONFIG_ENV}): {report.config_file or 'none'}", file=out)
    defaults = Settings()
    for spec in fields(Settings):
        if spec.name in report.invalid:
            shown = "INVALID (see below)"
        else:
            shown = shown_value(spec.name, report.values.get(spec.name, getattr(defaults, spec.name)))
        print(f"  {env_name(spec.name):<26} {shown:<44} {report.sources[spec.name]}", file=out)
    for warning in report.warnings:
        print(f"warning: {warning}", file=err)
    if report.problems:
        for problem in report.problems:
            print(f"invalid: {problem}", file=err)
        print(f"{len(report.problems)} invalid setting(s): `wuye run` would refuse to start", file=err)
        return 1
    print("channels:", file=out)
    for channel in report.settings.channels():
        print(f"  {channel}", file=out)
    return 0
