"""Every page kind of the seed site is valid HTML by the Nu Html Checker (vnu.jar), in both themes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.quality.conftest import THEMES, VNU_JAR, QualitySite, require_node_module

EXPECTED_KINDS = {
    "home", "papers page 1", "papers page 2", "collections", "collection", "dates", "date", "a-z",
    "with code", "tags", "tag", "paper", "stand-alone page", "search", "404",
}


def run_vnu(files: list[Path]) -> list[dict]:
    """Error messages for FILES, from one JVM start (it takes seconds, so one run per theme)."""
    require_tool(shutil.which("java") is not None,
                 "the Nu Html Checker needs Java (apt-get install default-jre-headless)")
    require_node_module(VNU_JAR)
    completed = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors.
    try:
        report = json.loads(completed.stderr or completed.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar gave no JSON report (exit {completed.returncode}): {completed.stderr[-2000:]}")
    return [message for message in report["messages"] if message["type"] != "info"]


def describe(message: dict, site: Path) -> str:
    where = message.get("url", "").removeprefix("file:")
    try:
        where = str(Path(where).relative_to(site))
    except ValueError:
        pass
    line = message.get("lastLine", "?")
    return f"{where}:{line}: {message['message']}\n    {message.get('extract', '').strip()!r}"


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_kind_is_valid_html(quality_sites: dict[str, QualitySite], theme: str):
    site = quality_sites[theme]
    files = site.page_files()
    assert set(files) == EXPECTED_KINDS, f"page kinds not built: {sorted(EXPECTED_KINDS - set(files))}"
    errors = run_vnu(sorted(files.values()))
    report = "\n".join(describe(message, site.root) for message in errors)
    assert not errors, f"the Nu Html Checker found {len(errors)} error(s) in the {theme} theme:\n{report}"


def test_the_checker_reports_invalid_markup(tmp_path: Path):
    """The gate can fail: a page with a stray end tag and a duplicate id is reported, with its line."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>x</title></head>\n'
        '<body><p id="a">one</p>\n<p id="a">two</span></p></body></html>\n',
        encoding="utf-8",
    )
    messages = " ".join(f"{m['message']} (line {m.get('lastLine')})" for m in run_vnu([page]))
    assert "Duplicate ID" in messages and "line 4" in messages
    assert "Stray end tag" in messages
