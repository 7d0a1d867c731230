"""`sitegen serve`: build into a scratch folder, serve it with live reload, rebuild on every change."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..build import build
from ..build_cache import BuildCache
from ..config import SiteConfig, load_config
from ..errors import BuildFailed, SitegenError
from ..serve.rebuild import Outcome, Rebuild, RebuildPlan
from ..serve.server import PreviewServer, base_path_of
from ..serve.session import watch_and_rebuild
from ..serve.watcher import ProjectLayout

# Hosts that mean "every interface": not an address a browser can open.
_WILDCARD_HOSTS = ("", "0.0.0.0", "::")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "serve",
        help="preview the site locally; rebuild and reload the browser on every change",
        description="Build the site into a scratch folder and serve it at http://HOST:PORT/ under the same path "
        "as base_url. Edits to sitegen.toml, content/, templates/, static/ and themes/ rebuild the site and "
        "reload every open tab; a broken edit shows its error in the browser and keeps the last good site. "
        "The project's output folder (site/) is left alone.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 shares it on the network)",
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    parser.add_argument("--open", action="store_true", help="open the preview in the default web browser")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = args.project.resolve()
    if not project.is_dir():
        raise SitegenError("serve", None, f"project folder {args.project} does not exist")
    if not 0 <= args.port <= 65535:
        raise SitegenError("serve", None, f"--port must be between 0 and 65535, got {args.port}")
    config = load_config(project)
    base_path = base_path_of(config.base_url)
    with _sigterm_as_ctrl_c(), tempfile.TemporaryDirectory(prefix="sitegen-serve-") as scratch:
        out_dir = Path(scratch) / "site"
        server = PreviewServer(out_dir, host=args.host, port=args.port, base_path=base_path)
        preview_base_url = _preview_base_url(config, server.port, args.host, base_path)
        rebuild = _rebuilder(project, config, out_dir, preview_base_url)
        watch_and_rebuild(_layout(config), rebuild, server=server, open_browser=args.open)
    return 0


def watch_build(project: Path, out_dir: Path | None, base_url: str | None) -> int:
    """`sitegen build --watch`: rebuild OUT_DIR on every change, without serving it."""
    config = load_config(project.resolve())
    target = out_dir if out_dir is not None else config.output_path
    with _sigterm_as_ctrl_c():
        watch_and_rebuild(_layout(config), _rebuilder(config.root, config, target, base_url))
    return 0


def _layout(config: SiteConfig) -> ProjectLayout:
    return ProjectLayout(root=config.root, content_dir=config.content_dir, output_dir=config.output_dir)


@contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """`kill` and service managers send SIGTERM: stop as cleanly as Ctrl-C, removing the scratch folder."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _preview_base_url(config: SiteConfig, port: int, host: str, base_path: str) -> str | None:
    """base_url as seen from the preview, so canonical links and the 404 page point at it, not the live site."""
    if not config.base_url.startswith(("http://", "https://")):
        return None  # relative or path-only links already work locally
    shown = "127.0.0.1" if host in _WILDCARD_HOSTS else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{base_path}"


def _rebuilder(project: Path, started_with: SiteConfig, out_dir: Path, base_url: str | None) -> Rebuild:
    # Lives as long as the preview: each save re-renders only what the edit changed.
    cache = BuildCache()

    def rebuild(plan: RebuildPlan) -> Outcome:
        try:
            if plan.config_changed:
                _warn_if_restart_needed(started_with, load_config(project))
            result = build(project, out_dir=out_dir, base_url=base_url, incremental=True, cache=cache)
        except SitegenError as exc:
            return Outcome(error=str(exc))
        except BuildFailed as exc:
            return Outcome(error="\n".join(str(d) for d in exc.diagnostics if d.severity == "error"))
        seconds = sum(duration for _, duration in result.timings)
        summary = f"{result.pages} pages, {result.written} files written, {result.removed} removed in {seconds:.2f} s"
        if result.warnings:
            # Listing them on every save would bury the one line the author is looking for.
            summary += f"; {len(result.warnings)} warning(s), `sitegen check` lists them"
        return Outcome(summary=summary)

    return rebuild


def _warn_if_restart_needed(started_with: SiteConfig, now: SiteConfig) -> None:
    changed = [name for name in ("base_url", "content_dir", "output_dir")
               if getattr(started_with, name) != getattr(now, name)]
    if changed:
        print(f"sitegen.toml: {', '.join(changed)} changed; stop (Ctrl-C) and start again to use the new "
              "setting", file=sys.stderr)
