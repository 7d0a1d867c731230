"""Benchmark search as a reader meets it: bytes downloaded per query and answer times, in chromium.

Usage: python3 benchmarks/search_shards.py [--sizes 10000,100000] [--keep DIR] [--pagefind PATH] [--http1] [--rtt MS] [--all-queries]
       python3 benchmarks/search_shards.py --site SITE_DIR [--pagefind PATH] [--http1] [--rtt MS] [--all-queries]

Needs Debian's chromium, nginx and openssl (`apt-get install -y chromium nginx openssl`) and Playwright.

For each size N it builds a synthetic archive of N papers with sitegen (the index is sharded
above [search] shard_threshold, 5,000 by default), serves it gzip-compressed the way GitHub
Pages does, and drives Debian's chromium with Playwright, a fresh empty cache per query:

- typed: the reader presses / on the home page and types the query at 5 keys a second, as
  the header box answers every keystroke; bytes are everything search fetched (search.js,
  lunr.js, sharded.js, manifest, index pieces, result data), from the browser's own Resource
  Timing entries of the page and its workers (gzip bodies as sent, without HTTP headers);
- pasted: the whole query arrives in one input event; bytes and time to the shown results;
- per keystroke: time from each key to the answer to its text (or to a later text, when the
  next key came first), once the first answer is in (the header box searches at every key,
  with no pause to wait out); JS heap from the DevTools protocol at the end;
- then, per tool, one line pooling every keystroke of every query typed: median, p90, p95 and
  max, and each keystroke over 50 ms with its text (--all-queries types all 14 queries of
  benchmarks/queries.txt instead of the table's five).

The site is served over HTTPS with HTTP/2 (nginx, a throw-away self-signed certificate), as
GitHub Pages serves it: every request shares one connection, so a round of many small files costs
about one round trip. --http1 serves it over HTTP/1.1 instead (keep-alive, no Nagle delay), where
chromium opens at most 6 connections to a host and further requests wait their turn, as on hosts
without HTTP/2.

With --pagefind (the `pagefind` command, e.g. from `pip install 'pagefind[bin]'` in a
throw-away venv) it indexes the same paper pages with Pagefind and measures its JS API the
same way: one search per typed prefix (or the pasted query), then the data of the 8 results
a dropdown would show.

With --rtt MS chromium delays every response by MS milliseconds (DevTools network emulation), as
a reader's round trip to GitHub Pages does: on loopback a round of requests costs about what its
requests cost, and a change that saves rounds shows only here.

With --site it measures a site already built (for instance by an earlier run with --keep)
instead of generating and building one.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script: make `benchmarks` and `sitegen` importable
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.synthetic import generate_project  # noqa: E402
from sitegen.build import build  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian puts it in sbin, often off PATH
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--enable-precise-memory-info",
    "--ignore-certificate-errors",  # the HTTP/2 server's certificate is self-signed
]
# The queries the search benchmarks share (benchmarks/queries.txt); the first five make the README's table.
ALL_QUERIES = tuple(line.strip() for line in (REPO_ROOT / "benchmarks" / "queries.txt").read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.lstrip().startswith("#"))
QUERIES = ALL_QUERIES[:5]
SLOW_MS = 50  # the aim for every keystroke after the first answer
KEY_DELAY_MS = 200
DROPDOWN_RESULTS = 8
COMPRESSED_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class GzipHandler(SimpleHTTPRequestHandler):
    """Serves text files gzip-compressed when asked, as GitHub Pages does; everything else as is.
    Connections are kept alive, as every real web server keeps them: a new connection per
    request would charge each small index file a TCP handshake no reader pays."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body, sent apart, wait on a delayed ACK (40 ms)

    def log_message(self, format, *args):  # noqa: A002 - the signature is http.server's
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in COMPRESSED_TYPES and path.is_file()
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


def serve_http1(folder: Path) -> tuple[Callable[[], None], str]:
    """FOLDER over HTTP/1.1 (a browser opens at most 6 connections to it): (stop, url)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
    return stop, f"http://127.0.0.1:{server.server_port}/"


NGINX_CONFIG = """
daemon off;
worker_processes 1;
error_log {work}/error.log;
pid {work}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    gzip on;
    gzip_comp_level 6;
    gzip_min_length 0;
    gzip_types text/css application/javascript application/json image/svg+xml application/xml text/plain;
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {work}/cert.pem;
        ssl_certificate_key {work}/key.pem;
        root {root};
    }}
}}
"""


def serve_http2(folder: Path) -> tuple[Callable[[], None], str]:
    """FOLDER over HTTPS with HTTP/2, as GitHub Pages serves a site (every request on one
    connection), by nginx with a throw-away self-signed certificate: (stop, url). A Python
    HTTP/2 server (hypercorn) took longer to answer than the browser to ask, which hid the client."""
    work = Path(tempfile.mkdtemp(prefix="search-shards-nginx-"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")], check=True, capture_output=True)
    with socket.socket() as probe:  # a free port for nginx
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (work / "nginx.conf").write_text(NGINX_CONFIG.format(work=work, port=port, root=folder.resolve()), encoding="utf-8")
    server = subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(100):  # until it listens
        if server.poll() is not None:
            raise SystemExit(f"nginx did not start: {server.stderr.read().decode(errors='replace')}")
        with socket.socket() as attempt:
            if attempt.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)

    def stop() -> None:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return stop, f"https://127.0.0.1:{port}/"


# Page-side recorder: when each key went down and when each answer (data-query) appeared.
RECORDER = """() => {
  window.__keys = [];
  window.__answers = [];
  document.addEventListener("keydown", () => window.__keys.push(performance.now()), true);
  const list = document.querySelector("#search-q-results");
  new MutationObserver(() => {
    const query = list.getAttribute("data-query");
    if (query) window.__answers.push([performance.now(), query, list.children.length]);
  }).observe(list, {attributes: true, attributeFilter: ["data-query"]});
}"""

# What counts as search traffic: sitegen's search scripts and index, Pagefind's everything.
SEARCH_PATHS = ("/static/search/", "/search/", "/pagefind/")


# Resource Timing keeps 250 entries unless told otherwise; a typed query at 100,000 papers makes more.
TIMING_BUFFER = "performance.setResourceTimingBufferSize(100000)"
# Every resource the page, or the worker running this, fetched: [url, gzip body bytes].
RESOURCES = "() => performance.getEntriesByType('resource').map((entry) => [entry.name, entry.encodedBodySize])"


class NetworkLog:
    """What search fetched, in the browser's own Resource Timing entries: the page's and its
    workers' (Pagefind searches in one). encodedBodySize is the body as sent, gzip-compressed,
    exactly what the server wrote. Playwright's response body size was not: over HTTP/2 it counted
    each response's header frame too (about 130 bytes a request) and missed a worker's script."""

    def __init__(self, context):
        context.add_init_script(TIMING_BUFFER)

    def search_bytes(self, page) -> tuple[int, int]:
        """(gzip body bytes, request count) of search traffic so far."""
        entries = page.evaluate(RESOURCES)
        for worker in page.workers:
            entries += worker.evaluate(RESOURCES)
        search = [(url, size) for url, size in entries
                  if any(part in url for part in SEARCH_PATHS) and not url.split("?")[0].endswith("/search/")]
        return sum(size for _, size in search), len(search)


def heap_mb(page) -> float:
    session = page.context.new_cdp_session(page)
    session.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]}
    return metrics.get("JSHeapUsedSize", 0) / 1e6


def open_page(browser, url: str, rtt_ms: float):
    """(context, its network log, a page at URL) in a fresh context, every response RTT_MS late."""
    context = browser.new_context(ignore_https_errors=True)
    log = NetworkLog(context)
    page = context.new_page()
    if rtt_ms:
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": rtt_ms, "downloadThroughput": -1, "uploadThroughput": -1})
    page.goto(url)
    return context, log, page


def sitegen_typed(browser, url: str, query: str, rtt_ms: float = 0) -> dict:
    context, log, page = open_page(browser, url, rtt_ms)
    page.evaluate(RECORDER)
    page.keyboard.press("/")
    page.keyboard.type(query, delay=KEY_DELAY_MS)
    page.wait_for_selector(f"#search-q-results[data-query='{query}']", state="attached", timeout=120_000)
    keys = page.evaluate("window.__keys")[1:]  # the first key is "/"
    answers = page.evaluate("window.__answers")
    size, requests = log.search_bytes(page)
    first_answer = answers[0][0] if answers else None
    keystrokes = []  # (the text typed so far, ms to its answer)
    for typed, key_time in enumerate(keys, start=1):
        if first_answer is None or key_time < first_answer:
            continue
        # This key is answered by an answer to its own text, or to a later one if a later key
        # came first; an answer still due to an earlier key does not count.
        texts = {query[:end].strip() for end in range(typed, len(query) + 1)}
        later = [answer for answer in answers if answer[0] >= key_time and answer[1] in texts]
        if later:
            keystrokes.append((query[:typed], later[0][0] - key_time))
    result = {
        "bytes": size,
        "requests": requests,
        "first_ms": (first_answer - keys[0]) if first_answer else None,
        "keystroke_ms": [ms for _, ms in keystrokes],
        "keystrokes": keystrokes,
        "heap_mb": heap_mb(page),
    }
    context.close()
    return result


def sitegen_pasted(browser, url: str, query: str, rtt_ms: float = 0) -> dict:
    context, log, page = open_page(browser, url, rtt_ms)
    started = time.perf_counter()
    page.fill("#search-q", query)
    page.wait_for_selector(f"#search-q-results[data-query='{query}']", state="attached", timeout=120_000)
    elapsed = (time.perf_counter() - started) * 1000
    size, requests = log.search_bytes(page)
    result = {"bytes": size, "requests": requests, "ms": elapsed,
              "results": page.locator("#search-q-results [role=option]").count()}
    context.close()
    return result


PAGEFIND_RUN = """async ([root, prefixes, shown]) => {
  const pagefind = await import(root + "pagefind/pagefind.js");
  await pagefind.options({});
  const times = [];
  let count = 0;
  for (const text of prefixes) {
    const started = performance.now();
    const search = await pagefind.search(text);
    await Promise.all(search.results.slice(0, shown).map((result) => result.data()));
    times.push(performance.now() - started);
    count = search.results.length;
  }
  return [times, count];
}"""


def pagefind_run(browser, url: str, query: str, typed: bool, rtt_ms: float = 0) -> dict:
    context, log, page = open_page(browser, url, rtt_ms)
    prefixes = [query[:end] for end in range(2, len(query) + 1)] if typed else [query]
    times, count = page.evaluate(PAGEFIND_RUN, [url, prefixes, DROPDOWN_RESULTS])
    size, requests = log.search_bytes(page)
    result = {"bytes": size, "requests": requests, "times": times, "keystrokes": list(zip(prefixes[1:], times[1:])),
              "results": count, "heap_mb": heap_mb(page)}
    context.close()
    return result


def spread(times: list[float]) -> str:
    """median / 90th percentile / max of TIMES, in ms."""
    p90 = statistics.quantiles(times, n=10, method="inclusive")[-1] if len(times) > 1 else times[0]
    return f"{statistics.median(times):.0f} / {p90:.0f} / {max(times):.0f}"


def pooled(tool: str, keystrokes: list[tuple[str, float]], queries: int) -> str:
    """One line on every keystroke after the first answer of QUERIES typed queries, and the slow ones."""
    if not keystrokes:
        return f"{tool}: no keystroke after a first answer"
    times = sorted(ms for _, ms in keystrokes)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]
    slow = [f"'{text}' {ms:.0f}" for text, ms in keystrokes if ms > SLOW_MS]
    return (f"{tool}, {len(times)} keystrokes of {queries} typed queries after their first answers: ms median / p90 / max "
            f"{spread(times)}, p95 {p95:.0f}; over {SLOW_MS} ms: {len(slow)}" + (f" ({', '.join(slow)})" if slow else ""))


def kb(size: float) -> str:
    return f"{size / 1024:,.0f} KB"


def build_size(size: int, work: Path) -> Path:
    project = work / f"papers-{size}"
    if not (project / "sitegen.toml").exists():
        print(f"[{size}] generating the synthetic archive", file=sys.stderr, flush=True)
        generate_project(project, size)
    print(f"[{size}] building with sitegen", file=sys.stderr, flush=True)
    result = build(project)
    print(f"\nsitegen search stage {dict(result.timings).get('search', 0):.1f} s")
    return result.out_dir


def run_site(site: Path, pagefind: str | None, browser, serve, rtt_ms: float = 0, queries=QUERIES) -> None:
    size = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))["papers"]
    search_files = list((site / "search").rglob("*.json"))
    raw = sum(path.stat().st_size for path in search_files)
    print(f"\n### {size:,} papers\n")
    print(f"{len(search_files):,} search files, {raw / 1e6:,.1f} MB raw")
    if pagefind:
        print(f"[{size}] indexing with Pagefind", file=sys.stderr, flush=True)
        started = time.perf_counter()
        subprocess.run([pagefind, "--site", str(site), "--glob", "papers/*/index.html"], check=True,
                       stdout=subprocess.DEVNULL)
        pagefind_files = [path for path in (site / "pagefind").rglob("*") if path.is_file()]
        print(f"Pagefind index {time.perf_counter() - started:.1f} s; {len(pagefind_files):,} files, "
              f"{sum(p.stat().st_size for p in pagefind_files) / 1e6:,.1f} MB")
    stop, url = serve(site)
    try:
        print("\n| query | tool | typed: bytes (requests) | first results ms | per keystroke ms median / p90 / max "
              "| pasted: bytes (requests) | pasted ms | JS heap MB |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        keystrokes = {"sitegen": [], "Pagefind": []}
        for query in queries:
            typed = sitegen_typed(browser, url, query, rtt_ms)
            keystrokes["sitegen"] += typed["keystrokes"]
            pasted = sitegen_pasted(browser, url, query, rtt_ms)
            strokes = typed["keystroke_ms"] or [float("nan")]
            print(f"| {query} | sitegen | {kb(typed['bytes'])} ({typed['requests']}) | {typed['first_ms']:.0f} | "
                  f"{spread(strokes)} | {kb(pasted['bytes'])} "
                  f"({pasted['requests']}) | {pasted['ms']:.0f} | {typed['heap_mb']:.0f} |", flush=True)
            if pagefind:
                typed = pagefind_run(browser, url, query, typed=True, rtt_ms=rtt_ms)
                pasted = pagefind_run(browser, url, query, typed=False, rtt_ms=rtt_ms)
                keystrokes["Pagefind"] += typed["keystrokes"]
                later = typed["times"][1:] or [float("nan")]
                print(f"| {query} | Pagefind | {kb(typed['bytes'])} ({typed['requests']}) | "
                      f"{typed['times'][0]:.0f} | {spread(later)} | "
                      f"{kb(pasted['bytes'])} ({pasted['requests']}) | {pasted['times'][0]:.0f} | "
                      f"{typed['heap_mb']:.0f} |", flush=True)
        print()
        for tool in ("sitegen", "Pagefind") if pagefind else ("sitegen",):
            print(pooled(tool, keystrokes[tool], len(queries)), flush=True)
    finally:
        stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated archive sizes")
    parser.add_argument("--keep", type=Path, help="folder for the projects, kept for later runs")
    parser.add_argument("--pagefind", help="the pagefind command (omit to skip Pagefind)")
    parser.add_argument("--site", type=Path, help="measure this built site instead of building archives")
    parser.add_argument("--http1", action="store_true",
                        help="serve over HTTP/1.1 (6 connections a host) instead of HTTP/2 as GitHub Pages does")
    parser.add_argument("--all-queries", action="store_true",
                        help=f"type all {len(ALL_QUERIES)} queries of benchmarks/queries.txt, not only the first five")
    parser.add_argument("--rtt", type=float, default=0, metavar="MS",
                        help="delay every response by MS milliseconds, as a reader's round trip does")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright
    queries = ALL_QUERIES if args.all_queries else QUERIES

    work = args.keep or Path(tempfile.mkdtemp(prefix="search-shards-"))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            serve = serve_http1 if args.http1 else serve_http2
            print(f"Served over {'HTTP/1.1' if args.http1 else 'HTTP/2 (TLS)'}"
                  + (f", every response {args.rtt:g} ms late" if args.rtt else ""))
            if args.site:
                run_site(args.site, args.pagefind, browser, serve, args.rtt, queries)
            for size in [] if args.site else [int(s) for s in args.sizes.split(",") if s.strip()]:
                run_site(build_size(size, work), args.pagefind, browser, serve, args.rtt, queries)
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
