"""Shared test helpers: a copy of the seed project, and outside-tool gating."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_LISTINGS = REPO_ROOT / "content" / "listings"
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags chromium keeps dialling Google on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(available: bool, reason: str) -> None:
    """Skip on a laptop without the tool; fail under CI=true, so CI never passes by skipping."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)")
    pytest.skip(reason)


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    """A throw-away copy of the default archive (sitegen.toml + content/)."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy2(REPO_ROOT / "sitegen.toml", project / "sitegen.toml")
    shutil.copytree(REPO_ROOT / "content", project / "content")
    return project


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed archive built once per test run (default theme, no base_url); read it, never modify it."""
    from sitegen.build import build

    project = tmp_path_factory.mktemp("seed-site") / "project"
    project.mkdir()
    shutil.copy2(REPO_ROOT / "sitegen.toml", project / "sitegen.toml")
    shutil.copytree(REPO_ROOT / "content", project / "content")
    return build(project).out_dir


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium, one per test module (Playwright's sync API allows one driver at a time)."""
    require_tool(CHROMIUM.exists(), "browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class StaticSiteHandler(SimpleHTTPRequestHandler):
    """Serves a built folder like GitHub Pages does: the site's own 404.html for a missing path."""

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_folder(folder: Path, handler: type[StaticSiteHandler] = StaticSiteHandler) -> Iterator[str]:
    """Serve FOLDER on a free localhost port; yields the base URL ending in '/'.

    The folder may be filled after the server starts, so a build can use the port in its base_url.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
