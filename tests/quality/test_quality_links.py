"""No broken internal link or fragment anchor in the built site, checked by linkchecker over HTTP.

The site is served from a local server, at the root and under a sub-path base_url (the parent folder is
served, so the site lives at /repo/ the way GitHub project pages serve it). linkchecker crawls from the
home page and 404.html (which nothing links to) and checks internal URLs only.

linkchecker reports a missing anchor as a *warning*, so `--no-warnings` would hide exactly the broken
fragments this gate is for. Instead every warning counts as a failure; the site has none.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.quality.conftest import THEMES, QualitySite, build_quality_site, serve

# The AnchorCheck plugin is what checks #fragments. The request rate limit only applies to hosts
# that do not send a LinkChecker header; the test server sends one.
LINKCHECKER_CONFIG = """\
[checking]
maxrequestspersecond=1000
[AnchorCheck]
"""

# Run as root, linkchecker switches to user nobody before it loads its plugins. Where Python lives in a
# folder nobody cannot read (/root/.pyenv on this machine and in CI), it then finds no plugin at all,
# silently, and no anchor is checked. Checking a local test server needs no privilege drop.
AS_ROOT = "import sys, linkcheck.command.linkchecker as cli; cli.drop_privileges = lambda: None; sys.exit(cli.linkchecker())"


def linkchecker_command() -> list[str]:
    if os.geteuid() == 0:
        return [sys.executable, "-c", AS_ROOT]
    return ["linkchecker"]


def run_linkchecker(start_urls: list[str], config_folder: Path) -> list[dict[str, str]]:
    """One row per URL linkchecker checked (internal ones fetched, external ones syntax-checked)."""
    require_tool(shutil.which("linkchecker") is not None,
                 "the link check needs linkchecker: python3 -m pip install -e '.[test]'")
    config = config_folder / "linkcheckerrc"
    config.write_text(LINKCHECKER_CONFIG, encoding="utf-8")
    config.chmod(0o644)
    completed = subprocess.run(
        [*linkchecker_command(), "--config", str(config), "--no-status", "--verbose", "--output", "csv", *start_urls],
        capture_output=True, text=True, timeout=600, check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line and not line.startswith("#")]
    if not lines:
        pytest.fail(f"linkchecker printed no report (exit {completed.returncode}): {completed.stderr[-2000:]}")
    return list(csv.DictReader(lines, delimiter=";"))


def problems(rows: list[dict[str, str]]) -> list[str]:
    return [
        f"{row['url']} (linked from {row['parentname'] or 'the start'}, line {row['line']}): "
        f"{row['result']} {row['warningstring']}".strip()
        for row in rows
        if row["valid"] != "True" or row["warningstring"]
    ]


def html_urls(site: Path, base: str) -> set[str]:
    """The address of every HTML page the build wrote."""
    urls = set()
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        urls.add(base + relative.removesuffix("index.html"))
    return urls


def check_site(site: Path, base: str, config_folder: Path) -> None:
    rows = run_linkchecker([base, base + "404.html"], config_folder)
    found = problems(rows)
    assert not found, f"{len(found)} broken link(s) or anchor(s):\n" + "\n".join(found[:50])
    checked = {row["url"].split("#")[0] for row in rows}
    unreached = sorted(html_urls(site, base) - checked)
    assert not unreached, f"linkchecker never reached {len(unreached)} page(s), e.g. {unreached[:5]}"


@pytest.mark.parametrize("theme", THEMES)
def test_no_broken_internal_links_at_the_root(quality_sites: dict[str, QualitySite], theme: str, tmp_path: Path):
    site = quality_sites[theme].root
    with serve(site) as base:
        check_site(site, base, tmp_path)


@pytest.mark.parametrize("theme", THEMES)
def test_no_broken_internal_links_under_a_sub_path(theme: str, tmp_path: Path):
    served = tmp_path / "www"
    served.mkdir()
    with serve(served) as host:
        # An absolute base_url on the test server itself: canonical links, the sitemap and the feed
        # then point at pages linkchecker can fetch, so they are checked too.
        base = host + "repo/"
        site = build_quality_site(tmp_path / "build", theme, out_dir=served / "repo", base_url=base).root
        assert (site / "sitemap.xml").is_file() and (site / "feed.xml").is_file()
        check_site(site, base, tmp_path)


def test_the_link_check_reports_broken_links_and_anchors(tmp_path: Path):
    """The gate can fail: a missing page and a missing #fragment are both reported."""
    site = tmp_path / "site"
    (site / "other").mkdir(parents=True)
    (site / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body>'
        '<a href="other/">ok</a> <a href="missing/">gone</a> <a href="other/#nowhere">bad anchor</a>'
        '</body></html>', encoding="utf-8")
    (site / "other" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>o</title></head><body>'
        '<h1 id="top">Other</h1></body></html>', encoding="utf-8")
    with serve(site) as base:
        found = "\n".join(problems(run_linkchecker([base], tmp_path)))
    assert f"{base}missing/" in found and "404" in found
    assert "nowhere" in found
