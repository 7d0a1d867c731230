"""The benchmark's results as plain data, and as the Markdown tables run.py prints."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass

from benchmarks.measure import Measurement, TreeSize


@dataclass(frozen=True)
class SitegenRun:
    measurement: Measurement
    build_seconds: float | None  # inside build(), without interpreter start and imports
    stages: dict[str, float]
    files_written: int | None
    error: str = ""


@dataclass(frozen=True)
class ToolRun:
    measurement: Measurement | None
    output: TreeSize | None
    note: str = ""


@dataclass(frozen=True)
class WarmSession:
    """Rebuilds in one process that keeps sitegen's BuildCache, as the preview server does."""

    no_change_seconds: float | None = None
    no_change_written: int | None = None
    edit_seconds: float | None = None  # from saving the listing to the last file written
    edit_written: int | None = None
    edit_reached_output: bool | None = None
    error: str = ""


@dataclass(frozen=True)
class SizeReport:
    papers: int
    entries: int
    listings: int
    clean: SitegenRun | None
    clean_output: TreeSize | None
    search_output: TreeSize | None
    no_change: SitegenRun | None
    edit: SitegenRun | None
    edit_reached_output: bool | None
    warm: WarmSession
    hugo: ToolRun
    floor: ToolRun


def seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def megabytes(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 1_000_000:.1f}"


def ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or not denominator:
        return "n/a"
    return f"{numerator / denominator:.2f}x"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    # Error messages land in cells; an unescaped "|" would split the row.
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return lines


def sitegen_wall(run: SitegenRun | None) -> float | None:
    return run.measurement.wall_seconds if run and not run.error else None


def clean_build_rows(report: SizeReport, hugo_name: str) -> list[list[str]]:
    n = f"{report.papers:,}"
    base = sitegen_wall(report.clean)
    rows = []
    if report.clean and not report.clean.error:
        m = report.clean.measurement
        out = report.clean_output
        rows.append([n, "sitegen", seconds(m.wall_seconds), seconds(m.cpu_seconds), megabytes(m.peak_rss_bytes),
                     f"{out.files:,}", megabytes(out.bytes), "1.00x"])
    else:
        error = report.clean.error if report.clean else "not run"
        rows.append([n, f"sitegen: failed ({error})", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"])
    for name, run in ((hugo_name, report.hugo), ("floor", report.floor)):
        if run.measurement is None or run.output is None:
            rows.append([n, run.note or name, "n/a", "n/a", "n/a", "n/a", "n/a", "n/a"])
            continue
        m = run.measurement
        label = f"{name} ({run.note})" if run.note else name
        rows.append([n, label, seconds(m.wall_seconds), seconds(m.cpu_seconds), megabytes(m.peak_rss_bytes),
                     f"{run.output.files:,}", megabytes(run.output.bytes), ratio(base, m.wall_seconds)])
    return rows


def ratio_row(report: SizeReport) -> list[str]:
    clean = report.clean.measurement if report.clean and not report.clean.error else None
    hugo = report.hugo.measurement if report.hugo.output else None
    floor = report.floor.measurement if report.floor.output else None

    def of(measurement: Measurement | None, field: str) -> float | None:
        return getattr(measurement, field) if measurement else None

    return [
        f"{report.papers:,}",
        ratio(of(clean, "wall_seconds"), of(hugo, "wall_seconds")),
        ratio(of(clean, "cpu_seconds"), of(hugo, "cpu_seconds")),
        ratio(of(clean, "peak_rss_bytes"), of(hugo, "peak_rss_bytes")),
        ratio(of(clean, "wall_seconds"), of(floor, "wall_seconds")),
    ]


def format_report(reports: list[SizeReport], hugo_name: str) -> str:
    """Markdown tables; HUGO_NAME is e.g. "Hugo 0.111.3" or "hugo: not installed"."""
    lines = [
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {hugo_name}.",
        "",
        "Full clean build (each in its own process; wall and CPU in seconds, peak RSS and output in MB):",
        "",
    ]
    rows = [row for report in reports for row in clean_build_rows(report, hugo_name)]
    lines += table(["papers", "tool", "wall", "CPU", "peak RSS", "files", "output", "sitegen wall ÷ this"], rows)

    lines += ["", "Ratios (above 1: sitegen needs more):", ""]
    lines += table(["papers", "sitegen/Hugo wall", "sitegen/Hugo CPU", "sitegen/Hugo peak RSS", "sitegen/floor wall"],
                   [ratio_row(report) for report in reports])

    # Pipeline order, as BuildResult lists the stages.
    stage_names = list(dict.fromkeys(name for report in reports if report.clean for name in report.clean.stages))
    lines += ["", "sitegen per stage, clean build (seconds inside build(); start = interpreter start and imports):", ""]
    stage_rows = []
    for report in reports:
        clean = report.clean if report.clean and not report.clean.error else None
        stages = clean.stages if clean else {}
        start = clean.measurement.wall_seconds - clean.build_seconds if clean else None
        stage_rows.append([f"{report.papers:,}", seconds(start), *(seconds(stages.get(name)) for name in stage_names),
                           seconds(clean.build_seconds if clean else None)])
    lines += table(["papers", "start", *stage_names, "build() total"], stage_rows)

    lines += ["", "sitegen rebuilds after the clean build. New process: `sitegen build` again, process wall "
              "(inside build() in brackets). Warm: one process keeping the build cache, as `sitegen serve`; "
              "the edit is timed from saving the listing to the last file written:", ""]
    rebuild_rows = []
    for report in reports:
        rebuild_rows.append([
            f"{report.papers:,}",
            f"{report.entries:,} in {report.listings}",
            describe_incremental(report.no_change),
            describe_incremental(report.edit),
            describe_warm(report.warm.no_change_seconds, report.warm.no_change_written, report.warm.error),
            describe_warm(report.warm.edit_seconds, report.warm.edit_written, report.warm.error),
            reached(report.edit_reached_output, report.warm.edit_reached_output),
        ])
    lines += table(["papers", "entries in listings", "no-change, new process", "one-paper edit, new process",
                    "no-change, warm", "one-paper edit, warm", "edit in output"], rebuild_rows)

    lines += ["", "Search index (the search stage of the clean build; files under site/search/):", ""]
    search_rows = []
    for report in reports:
        search = report.search_output
        search_rows.append([f"{report.papers:,}",
                            seconds(search_seconds(report.clean.stages) if report.clean else None),
                            f"{search.files:,}" if search else "n/a", megabytes(search.bytes if search else None)])
    lines += table(["papers", "build s", "files", "MB"], search_rows)
    return "\n".join(lines)


def describe_warm(seconds_taken: float | None, written: int | None, error: str) -> str:
    if error:
        return f"failed ({error})"
    if seconds_taken is None:
        return "n/a"
    return f"{seconds(seconds_taken)}, {written:,} files written"


def reached(new_process: bool | None, warm: bool | None) -> str:
    """"yes" only when the edited sentence is in the pages of both rebuilds."""
    if new_process is None and warm is None:
        return "n/a"
    missing = [name for name, ok in (("new process", new_process), ("warm", warm)) if ok is False]
    return "NO (" + ", ".join(missing) + ")" if missing else "yes"


def search_seconds(stages: dict[str, float]) -> float | None:
    """The search stage's time, whatever the build calls it ("search", "search index", ...)."""
    found = [value for name, value in stages.items() if "search" in name]
    return sum(found) if found else None


def describe_incremental(run: SitegenRun | None) -> str:
    if run is None:
        return "n/a"
    if run.error:
        return f"failed ({run.error})"
    text = f"{seconds(run.measurement.wall_seconds)} ({seconds(run.build_seconds)})"
    if run.files_written is not None:
        text += f", {run.files_written:,} files written"
    return text
