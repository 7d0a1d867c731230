"""The benchmark command end to end on a tiny archive: it builds, edits, compares, and reports."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from benchmarks.run import REPO_ROOT, hugo_build, parse_sizes


def test_run_prints_markdown_tables_for_each_size(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / "run.py"), "--sizes", "40,60", "--keep", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=600, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "| 40 | sitegen |" in out and "| 60 | sitegen |" in out
    assert "| 60 | floor (writes sitegen's files) |" in out
    assert ("Hugo " in out) or ("hugo: not installed" in out)
    incremental = next(line for line in out.splitlines() if line.startswith("| 60 | ") and "files written" in line)
    # The edit really reached a page in both rebuilds, and no-change rebuilds rewrote nothing.
    assert incremental.endswith("| yes |")
    cells = incremental.split(" | ")
    assert cells[2].endswith(", 0 files written") and cells[4].endswith(", 0 files written")
    # --keep leaves the generated project, with the edit applied, and its site.
    assert (tmp_path / "n60" / "project" / "site" / "index.html").is_file()


def test_missing_hugo_is_reported_not_fatal(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    run = hugo_build(tmp_path, 1)
    assert run.measurement is None and run.note == "hugo: not installed"


def test_sizes_option_rejects_what_it_cannot_use():
    assert parse_sizes("1000,10000") == [1000, 10000]
    for bad in ("ten", "1", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_sizes(bad)


def test_report_gives_ratios_and_says_what_is_missing():
    from benchmarks.measure import Measurement, TreeSize
    from benchmarks.report import SitegenRun, SizeReport, ToolRun, WarmSession, format_report

    def measured(wall: float, rss: int) -> Measurement:
        return Measurement(wall_seconds=wall, cpu_seconds=wall, peak_rss_bytes=rss, exit_code=0, stdout="", stderr="")

    clean = SitegenRun(measured(6.0, 200_000_000), 5.5, {"ingest": 2.0, "render": 3.5}, 100)
    failed_edit = SitegenRun(measured(1.0, 1), None, {}, None, error="content/listings/a.txt: error | bad")
    report = SizeReport(
        papers=1000, entries=1100, listings=5, clean=clean, clean_output=TreeSize(100, 5_000_000),
        search_output=None, no_change=clean, edit=failed_edit, edit_reached_output=False,
        warm=WarmSession(no_change_seconds=0.25, no_change_written=0, edit_seconds=0.125, edit_written=3,
                         edit_reached_output=True),
        hugo=ToolRun(None, None, note="hugo: not installed"),
        floor=ToolRun(measured(2.0, 1), TreeSize(100, 5_000_000), note="writes sitegen's files"),
    )
    text = format_report([report], "hugo: not installed")
    assert "| 1,000 | hugo: not installed | n/a |" in text
    assert "| 1,000 | floor (writes sitegen's files) | 2.00 |" in text and "| 3.00x |" in text
    assert "| 1,000 | 0.50 | 2.00 | 3.50 | 5.50 |" in text  # start, ingest, render, total
    assert "failed (content/listings/a.txt: error \\| bad)" in text
    assert "| 0.25, 0 files written | 0.12, 3 files written | NO (new process) |" in text
    assert "| 1,000 | n/a | n/a | n/a |" in text  # no search stage, no search files
