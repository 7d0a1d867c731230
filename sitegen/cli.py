"""Command line: `sitegen <command>`; each command lives in sitegen/commands/."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from . import __version__
from .errors import BuildFailed, SitegenError

# Listed explicitly so `sitegen --help` shows commands in a stable, chosen order.
COMMAND_MODULES = ("build", "check", "serve", "deploy", "gh_workflow")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Build a browsable, searchable static site from research-paper listings.",
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument(
        "-C", "--project", type=Path, default=Path("."), metavar="DIR",
        help="site project folder holding sitegen.toml and content/ (default: current folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"sitegen.commands.{name}").register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except SitegenError as exc:
        print(exc, file=sys.stderr)
        return 1
    except BuildFailed as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        print(f"sitegen: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130
