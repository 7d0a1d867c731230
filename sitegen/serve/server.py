"""A small preview HTTP server: static files, live-reload events, and the error overlay.

It serves one folder under a URL path that mirrors the site's base_url, so
links that work here work on the real host. Every request is resolved by
`resolve_request`, a pure function, which is where path escapes are refused.
"""

from __future__ import annotations

import errno
import json
import mimetypes
import socket
import sys
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import Literal
from urllib.parse import unquote, urlsplit

from ..errors import SitegenError
from .livereload import EVENTS_PATH, LIVERELOAD_JS, SCRIPT_PATH, inject_reload_script

# Fixed here rather than left to mimetypes, whose answers depend on the machine's /etc/mime.types.
CONTENT_TYPES = MappingProxyType({
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
})
HEARTBEAT_SECONDS = 15.0


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def base_path_of(base_url: str) -> str:
    """The URL path a site is served under: "https://u.github.io/repo/" -> "/repo/", "" -> "/"."""
    path = urlsplit(base_url).path if base_url else "/"
    path = "/" + path.strip("/")
    return path if path == "/" else path + "/"


@dataclass(frozen=True)
class Target:
    """What a request path resolves to."""

    kind: Literal["file", "redirect", "missing", "events", "script"]
    file: Path | None = None
    location: str = ""


def resolve_request(raw_path: str, root: Path, base_path: str = "/") -> Target:
    """Map a request path to a file under ROOT, a redirect, or missing; nothing outside ROOT is ever reachable."""
    split = urlsplit(raw_path)
    if split.path == EVENTS_PATH:
        return Target("events")
    if split.path == SCRIPT_PATH:
        return Target("script")
    path = unquote(split.path)
    if "\x00" in path or "\\" in path:
        return Target("missing")
    query = f"?{split.query}" if split.query else ""
    if base_path != "/" and path in ("", "/", base_path.rstrip("/")):
        return Target("redirect", location=base_path + query)
    if not path.startswith(base_path):
        return Target("missing")
    parts = [part for part in path[len(base_path):].split("/") if part]
    if any(part in (".", "..") for part in parts):
        return Target("missing")
    site_root = root.resolve()
    candidate = site_root.joinpath(*parts).resolve()
    if not candidate.is_relative_to(site_root):
        return Target("missing")
    if candidate.is_dir():
        if not path.endswith("/"):
            # Leading slashes collapsed: "//host" would make the browser leave the preview.
            return Target("redirect", location="/" + split.path.lstrip("/") + "/" + query)
        candidate = candidate / "index.html"
    if candidate.is_file():
        return Target("file", file=candidate)
    return Target("missing")


@dataclass(frozen=True)
class LiveStatus:
    version: int = 0  # bumped by every successful build; 0 until the first one
    error: str = ""  # the last build's error, "" when it succeeded

    def to_json(self) -> str:
        return json.dumps({"version": self.version, "error": self.error}, sort_keys=True)


@dataclass
class LiveState:
    """What open tabs need to know, shared between the rebuild loop and the event streams."""

    _status: LiveStatus = field(default_factory=LiveStatus, init=False)
    _closed: bool = field(default=False, init=False)
    _condition: threading.Condition = field(default_factory=threading.Condition, init=False)

    @property
    def status(self) -> LiveStatus:
        with self._condition:
            return self._status

    def build_succeeded(self) -> None:
        self._set(LiveStatus(version=self.status.version + 1))

    def build_failed(self, error: str) -> None:
        self._set(LiveStatus(version=self.status.version, error=error or "build failed"))

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def wait_for_change(self, seen: LiveStatus | None, timeout: float) -> LiveStatus | None:
        """The status once it differs from SEEN (or SEEN again after TIMEOUT); None once closed."""
        with self._condition:
            self._condition.wait_for(lambda: self._closed or self._status != seen, timeout=timeout)
            return None if self._closed else self._status

    def _set(self, status: LiveStatus) -> None:
        with self._condition:
            self._status = status
            self._condition.notify_all()


class _PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewHTTPServer
    server_version = "sitegen-preview"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        # One line per request would bury the rebuild messages the author is watching for.
        return

    def _respond(self, send_body: bool) -> None:
        target = resolve_request(self.path, self.server.root, self.server.base_path)
        try:
            if target.kind == "events" and send_body:
                self._stream_events()
            elif target.kind == "events":
                self._send(HTTPStatus.OK, "text/event-stream; charset=utf-8", b"", send_body=False)
            elif target.kind == "script":
                self._send(HTTPStatus.OK, "text/javascript; charset=utf-8", LIVERELOAD_JS.encode(), send_body)
            elif target.kind == "redirect":
                self._send(HTTPStatus.FOUND, "text/plain; charset=utf-8", b"", send_body, location=target.location)
            elif target.kind == "file" and target.file is not None:
                self._send_file(HTTPStatus.OK, target.file, send_body)
            else:
                self._send_not_found(send_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the tab was closed or reloaded mid-response

    def _send_not_found(self, send_body: bool) -> None:
        page = self.server.root / "404.html"
        if page.is_file():
            self._send_file(HTTPStatus.NOT_FOUND, page, send_body)
        else:
            body = b"<!doctype html><title>Not found</title><h1>404 Not Found</h1>"
            body = inject_reload_script(body, self.server.live.status.version)
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body, send_body)

    def _send_file(self, status: HTTPStatus, path: Path, send_body: bool) -> None:
        try:
            body = path.read_bytes()
        except OSError:
            # The rebuild deleted it between resolving and reading.
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found", send_body)
            return
        kind = content_type(path)
        if kind.startswith("text/html"):
            body = inject_reload_script(body, self.server.live.status.version)
        self._send(status, kind, body, send_body)

    def _send(self, status: HTTPStatus, kind: str, body: bytes, send_body: bool, location: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        # A preview must always show the latest build, never a cached copy.
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _stream_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        self.wfile.flush()
        seen: LiveStatus | None = None
        while (status := self.server.live.wait_for_change(seen, HEARTBEAT_SECONDS)) is not None:
            if status == seen:
                # A comment line: finds closed tabs so their threads end.
                self.wfile.write(b": heartbeat\n\n")
            else:
                self.wfile.write(f"event: status\ndata: {status.to_json()}\n\n".encode())
                seen = status
            self.wfile.flush()


class PreviewHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # A page load fires many requests at once, and they queue here while the first build runs.
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], root: Path, base_path: str, live: LiveState):
        self.root = root.resolve()
        self.base_path = base_path
        self.live = live
        super().__init__(address, _PreviewHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # Dropped connections are routine for a preview; anything else is a real bug worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _PreviewHTTPServerV6(PreviewHTTPServer):
    address_family = socket.AF_INET6


class PreviewServer:
    """Serves ROOT at http://HOST:PORT/BASE_PATH with live reload; port 0 picks a free port."""

    def __init__(self, root: Path, *, host: str = "127.0.0.1", port: int = 8000, base_path: str = "/"):
        self.live = LiveState()
        server_class = _PreviewHTTPServerV6 if ":" in host else PreviewHTTPServer
        try:
            self._httpd = server_class((host, port), root, base_path, self.live)
        except OSError as exc:
            raise SitegenError("serve", None, _bind_error_message(host, port, exc)) from None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else str(host)
        return f"http://{shown}:{port}{self._httpd.base_path}"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="sitegen-preview-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self.live.close()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()


def _bind_error_message(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another `sitegen serve`?); "
            f"stop that program or pick a free port with --port {port + 1}"
        )
    if exc.errno == errno.EACCES:
        return f"not allowed to listen on port {port}; ports below 1024 need extra rights, use e.g. --port 8000"
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        reason = exc.strerror or exc
        return f"cannot listen on host {host!r} ({reason}); use an address of this machine, e.g. --host 127.0.0.1"
    return f"cannot listen on {host}:{port} ({exc.strerror or exc})"
