"""`sitegen build`: the whole site into site/ (or --out), with a one-line summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ..build import BuildResult, build
from ..errors import SitegenError
from .serve import watch_build

WARNINGS_SHOWN = 20


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "build",
        help="build the static site",
        description="Build the archive into a static site: every paper page, the index pages, "
        "the search index, sitemap and feed. The previous site is replaced only when the build succeeds.",
    )
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output folder (default: output_dir in sitegen.toml, normally site/)")
    parser.add_argument("--base-url", metavar="URL",
                        help="public URL of the site, overriding base_url in sitegen.toml "
                        "(e.g. https://user.github.io/repo/)")
    parser.add_argument("--watch", action="store_true",
                        help="keep running and rebuild (incrementally) whenever the project changes; Ctrl-C stops")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.project.is_dir():
        raise SitegenError("build", None, f"project folder {args.project} does not exist")
    if args.watch:
        return watch_build(args.project, args.out, args.base_url)
    progress = TerminalProgress(sys.stderr) if sys.stderr.isatty() else None
    try:
        result = build(args.project, out_dir=args.out, base_url=args.base_url,
                       progress=progress.update if progress else None)
    finally:
        if progress:
            progress.clear()
    print_warnings(result, sys.stderr)
    print(summary(result))
    return 0


def print_warnings(result: BuildResult, stream: TextIO) -> None:
    for warning in result.warnings[:WARNINGS_SHOWN]:
        print(warning, file=stream)
    hidden = len(result.warnings) - WARNINGS_SHOWN
    if hidden > 0:
        print(f"... and {hidden} more warning(s); `sitegen check` lists them all", file=stream)


def summary(result: BuildResult) -> str:
    total = sum(seconds for _, seconds in result.timings)
    stages = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings)
    warnings = len(result.warnings)
    return (f"Built {result.pages} pages ({result.written} files, {result.removed} removed) into "
            f"{result.out_dir} in {total:.2f}s; {warnings} warning{'' if warnings == 1 else 's'} [{stages}]")


class TerminalProgress:
    """A single self-overwriting status line on a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.shown: tuple[str, int] | None = None

    def update(self, stage: str, done: int, total: int) -> None:
        percent = done * 100 // total if total else -1
        if (stage, percent) == self.shown:
            return
        self.shown = (stage, percent)
        if total:
            filled = percent // 4
            line = f"{stage} [{'#' * filled}{'-' * (25 - filled)}] {done}/{total}"
        else:
            line = f"{stage} ..."
        self.stream.write(f"\r\033[K{line}")
        self.stream.flush()

    def clear(self) -> None:
        if self.shown is not None:
            self.stream.write("\r\033[K")
            self.stream.flush()
