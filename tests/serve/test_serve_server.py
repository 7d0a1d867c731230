"""The preview HTTP server: paths, content types, 404 page, redirects, live-reload events."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path

import pytest

from sitegen.errors import SitegenError
from sitegen.serve.livereload import EVENTS_PATH, SCRIPT_PATH, inject_reload_script
from sitegen.serve.server import PreviewServer, base_path_of, resolve_request


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "papers" / "a-paper").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "empty-folder").mkdir()
    (root / "index.html").write_text("<!doctype html><html><body><h1>Home</h1></body></html>")
    (root / "papers" / "a-paper" / "index.html").write_text("<html><body><h1>A paper</h1></BODY></html>")
    (root / "404.html").write_text("<html><body><h1>No such page here</h1></body></html>")
    (root / "assets" / "style.css").write_text("body { color: black }")
    (root / "assets" / "app.js").write_text("console.log(1)")
    (root / "assets" / "index.json").write_text("{}")
    (root / "assets" / "logo.svg").write_text("<svg/>")
    (root / "assets" / "font.woff2").write_bytes(b"wOF2")
    (root / "sitemap.xml").write_text("<urlset/>")
    (tmp_path / "secret.txt").write_text("outside the site")
    return root


def test_base_path_mirrors_base_url():
    assert base_path_of("") == "/"
    assert base_path_of("https://u.github.io/") == "/"
    assert base_path_of("https://u.github.io/repo/") == "/repo/"
    assert base_path_of("https://u.github.io/repo") == "/repo/"
    assert base_path_of("/docs/archive/") == "/docs/archive/"


@pytest.mark.parametrize(
    "raw",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/papers/%2e%2e/%2e%2e/secret.txt",
        "/papers/..%2f..%2fsecret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/..%5csecret.txt",
        "/index.html%00.css",
    ],
)
def test_no_path_escapes_the_site_folder(site, raw):
    assert resolve_request(raw, site).kind == "missing"


def test_symlinks_out_of_the_site_are_refused(site):
    (site / "link.txt").symlink_to(site.parent / "secret.txt")
    assert resolve_request("/link.txt", site).kind == "missing"


def test_folders_serve_index_html_and_redirect_without_slash(site):
    assert resolve_request("/papers/a-paper/", site).file == site / "papers/a-paper/index.html"
    assert resolve_request("/", site).file == site / "index.html"
    target = resolve_request("/papers/a-paper?q=1", site)
    assert (target.kind, target.location) == ("redirect", "/papers/a-paper/?q=1")
    assert resolve_request("/empty-folder/", site).kind == "missing"


def test_redirects_never_leave_the_preview(site):
    (site / "evil.com").mkdir()
    assert resolve_request("//evil.com", site).kind == "missing"
    target = resolve_request("////evil.com", site)
    assert target.kind == "redirect"
    assert target.location == "/evil.com/"


def test_the_site_lives_under_the_base_url_path(site):
    assert resolve_request("/repo/papers/a-paper/", site, "/repo/").file == site / "papers/a-paper/index.html"
    assert resolve_request("/", site, "/repo/").location == "/repo/"
    assert resolve_request("/repo", site, "/repo/").location == "/repo/"
    assert resolve_request("/papers/a-paper/", site, "/repo/").kind == "missing"
    assert resolve_request("/repo/../secret.txt", site, "/repo/").kind == "missing"


def test_reload_script_goes_before_the_last_body_end():
    page = b"<html><body><p>x</p><pre>&lt;/body&gt;</pre></body></html>"
    injected = inject_reload_script(page, 7)
    assert injected.endswith(b'data-version="7" data-events="/__sitegen/events"></script></body></html>')
    assert inject_reload_script(b"<p>fragment</p>", 1).startswith(b"<p>fragment</p><script ")


@pytest.fixture
def server(site):
    preview = PreviewServer(site, host="127.0.0.1", port=0, base_path="/")
    preview.start()
    yield preview
    preview.stop()


def _get(server: PreviewServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/app.js", "text/javascript; charset=utf-8"),
        ("/assets/index.json", "application/json"),
        ("/assets/logo.svg", "image/svg+xml"),
        ("/assets/font.woff2", "font/woff2"),
        ("/sitemap.xml", "application/xml"),
    ],
)
def test_files_are_served_with_their_content_type(server, path, expected):
    status, headers, _ = _get(server, path)
    assert status == 200
    assert headers["content-type"] == expected
    assert headers["cache-control"] == "no-store"


def test_html_gets_the_reload_script_and_other_files_are_untouched(server, site):
    _, _, page = _get(server, "/papers/a-paper/")
    assert b"A paper" in page
    assert SCRIPT_PATH.encode() in page
    _, _, css = _get(server, "/assets/style.css")
    assert css == (site / "assets/style.css").read_bytes()
    assert SCRIPT_PATH.encode() not in (site / "papers/a-paper/index.html").read_bytes()


def test_missing_pages_get_the_site_404_page_with_status_404(server):
    status, headers, body = _get(server, "/papers/no-such-paper/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert b"No such page here" in body
    assert SCRIPT_PATH.encode() in body  # so the tab reloads once the page exists again


def test_traversal_over_the_wire_gets_404(server):
    for raw in ("/../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e%2fsecret.txt"):
        status, _, body = _get(server, raw)
        assert status == 404
        assert b"outside the site" not in body


def test_folder_without_slash_redirects(server):
    status, headers, _ = _get(server, "/papers/a-paper")
    assert status == 302
    assert headers["location"] == "/papers/a-paper/"


def test_head_sends_headers_only(server):
    status, headers, body = _get(server, "/assets/style.css", method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["content-length"]) > 0


def test_base_url_path_is_served_and_root_redirects(site):
    preview = PreviewServer(site, port=0, base_path="/repo/")
    preview.start()
    try:
        assert preview.url == f"http://127.0.0.1:{preview.port}/repo/"
        status, headers, _ = _get(preview, "/")
        assert (status, headers["location"]) == (302, "/repo/")
        status, _, body = _get(preview, "/repo/papers/a-paper/")
        assert status == 200 and b"A paper" in body
        assert _get(preview, "/papers/a-paper/")[0] == 404
    finally:
        preview.stop()


def test_the_reload_script_is_served(server):
    status, headers, body = _get(server, SCRIPT_PATH)
    assert status == 200
    assert headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in body and b"textContent" in body


def _read_events(server: PreviewServer, count: int) -> list[dict]:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(f"GET {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    buffer = b""
    events: list[dict] = []
    try:
        while len(events) < count:
            chunk = sock.recv(4096)
            if not chunk:
                break
            buffer += chunk
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    if line.startswith(b"data: "):
                        events.append(json.loads(line[6:]))
    finally:
        sock.close()
    return events


def test_event_stream_reports_builds_and_escaped_errors(server):
    server.live.build_succeeded()
    received: list[dict] = []
    reader = threading.Thread(target=lambda: received.extend(_read_events(server, 3)))
    reader.start()
    error = 'templates/paper.html:3: error (render): unexpected "}" in <script>alert(1)</script>'
    # A little later than the reader's first status, so each change arrives as its own event.
    threading.Timer(0.3, server.live.build_failed, args=(error,)).start()
    threading.Timer(0.6, server.live.build_succeeded).start()
    reader.join(timeout=10)
    assert received == [
        {"version": 1, "error": ""},
        {"version": 1, "error": error},
        {"version": 2, "error": ""},
    ]


def test_the_page_carries_the_version_it_was_built_at(server):
    server.live.build_succeeded()
    server.live.build_succeeded()
    _, _, page = _get(server, "/")
    assert b'data-version="2"' in page


def test_a_taken_port_is_a_clear_error(site):
    first = PreviewServer(site, port=0)
    try:
        with pytest.raises(SitegenError) as caught:
            PreviewServer(site, port=first.port)
        assert "already in use" in str(caught.value)
        assert "--port" in str(caught.value)
    finally:
        first.stop()


def test_binds_to_localhost_by_default(site):
    preview = PreviewServer(site, port=0)
    try:
        assert preview.url.startswith("http://127.0.0.1:")
    finally:
        preview.stop()


def test_an_unknown_host_is_a_clear_error(site):
    with pytest.raises(SitegenError) as caught:
        PreviewServer(site, host="no-such-host.invalid", port=0)
    assert "cannot listen on host 'no-such-host.invalid'" in str(caught.value)


def test_head_on_the_event_stream_does_not_hang(server):
    status, headers, body = _get(server, EVENTS_PATH, method="HEAD")
    assert status == 200 and body == b""
    assert headers["content-type"].startswith("text/event-stream")
