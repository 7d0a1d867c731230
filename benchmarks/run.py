"""Benchmark sitegen against Hugo and against a no-rendering floor; print Markdown tables.

Usage: python3 benchmarks/run.py [--sizes 1000,10000] [--with-100k] [--repeat R] [--keep DIR]

Every build runs in its own child process, so wall time, CPU time and peak memory are
those of that build alone, interpreter start and imports included.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script: make `benchmarks` and `sitegen` importable
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.hugo_site import write_hugo_project  # noqa: E402
from benchmarks.measure import file_sizes, run_measured, tree_size  # noqa: E402
from benchmarks.report import SitegenRun, SizeReport, ToolRun, WarmSession, format_report  # noqa: E402
from benchmarks.synthetic import EDIT_SENTENCE, ListingEdit, edit_one_paper, generate_project, save_text  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
SEARCH_DIR = "search"  # where sitegen's search stage writes its index (sitegen/search/files.py)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH", "")]))
    return env


def run_sitegen(project: Path, out_dir: Path, *, incremental: bool) -> SitegenRun:
    command = [sys.executable, str(BENCH_DIR / "sitegen_child.py"), str(project), str(out_dir)]
    if incremental:
        command.append("--incremental")
    measurement = run_measured(command, cwd=project, env=child_env())
    if not measurement.ok:
        error = (measurement.stderr.strip().splitlines() or [f"exit code {measurement.exit_code}"])[-1]
        return SitegenRun(measurement, None, {}, None, error=error)
    report = json.loads(measurement.stdout.strip().splitlines()[-1])
    return SitegenRun(measurement, report["build_seconds"], report["stages"], report["files_written"])


def run_warm_session(project: Path, out_dir: Path, edit: ListingEdit, workdir: Path) -> WarmSession:
    edit_path = workdir / "edit.json"
    edit_path.write_text(json.dumps({"path": edit.path, "after": edit.after}), encoding="utf-8")
    command = [sys.executable, str(BENCH_DIR / "sitegen_child.py"), str(project), str(out_dir), "--warm", str(edit_path)]
    measurement = run_measured(command, cwd=project, env=child_env())
    if not measurement.ok:
        return WarmSession(error=(measurement.stderr.strip().splitlines() or [f"exit code {measurement.exit_code}"])[-1])
    report = json.loads(measurement.stdout.strip().splitlines()[-1])
    return WarmSession(
        no_change_seconds=report["no_change"]["build_seconds"],
        no_change_written=report["no_change"]["files_written"],
        edit_seconds=report["edit"]["build_seconds"],
        edit_written=report["edit"]["files_written"],
        edit_reached_output=output_contains(out_dir, EDIT_SENTENCE),
    )


def median_run(runs: list, wall):
    """The run with the median wall time: one real run, not an average of several."""
    ordered = sorted(runs, key=wall)
    return ordered[(len(ordered) - 1) // 2]


def clean_sitegen_build(project: Path, out_dir: Path, repeat: int) -> SitegenRun:
    runs = []
    for _ in range(repeat):
        shutil.rmtree(out_dir, ignore_errors=True)
        runs.append(run_sitegen(project, out_dir, incremental=False))
        if runs[-1].error:
            return runs[-1]
    # Output is deterministic, so the last run's output stands for the reported run's.
    return median_run(runs, lambda run: run.measurement.wall_seconds)


def hugo_version() -> str | None:
    hugo = shutil.which("hugo")
    if not hugo:
        return None
    completed = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False)
    words = completed.stdout.split()
    return words[1].lstrip("v").split("+")[0] if len(words) > 1 else "unknown"


def hugo_build(site: Path, repeat: int) -> ToolRun:
    hugo = shutil.which("hugo")
    if not hugo:
        return ToolRun(None, None, note="hugo: not installed")
    out_dir = site / "out"
    runs = []
    for _ in range(repeat):
        shutil.rmtree(out_dir, ignore_errors=True)
        shutil.rmtree(site / "resources", ignore_errors=True)
        runs.append(run_measured([hugo, "--quiet", "-d", "out", "--cacheDir", str(site / ".hugo-cache")], cwd=site))
        if not runs[-1].ok:
            return ToolRun(runs[-1], None, note=f"hugo failed: {runs[-1].stderr.strip()[-300:]}")
    return ToolRun(median_run(runs, lambda run: run.wall_seconds), tree_size(out_dir))


def floor_build(work_list: list[tuple[str, int]], workdir: Path, repeat: int, source: str) -> ToolRun:
    list_path = workdir / "floor-worklist.json"
    list_path.write_text(json.dumps(work_list), encoding="utf-8")
    out_dir = workdir / "floor-out"
    runs = []
    for _ in range(repeat):
        shutil.rmtree(out_dir, ignore_errors=True)
        runs.append(run_measured([sys.executable, str(BENCH_DIR / "floor.py"), str(list_path), str(out_dir)],
                                 cwd=workdir))
        if not runs[-1].ok:
            return ToolRun(runs[-1], None, note=f"floor failed: {runs[-1].stderr.strip()[-300:]}")
    return ToolRun(median_run(runs, lambda run: run.wall_seconds), tree_size(out_dir), note=f"writes {source}")


def output_contains(folder: Path, marker: str) -> bool:
    needle = marker.encode("utf-8")
    return any(path.is_file() and needle in path.read_bytes() for path in folder.rglob("*.html"))


def bench_size(papers: int, workdir: Path, repeat: int, say) -> SizeReport:
    workdir.mkdir(parents=True, exist_ok=True)
    project = workdir / "project"
    shutil.rmtree(project, ignore_errors=True)
    say(f"[{papers}] generating the synthetic project")
    archive = generate_project(project, papers)
    out_dir = project / "site"

    say(f"[{papers}] sitegen: clean build")
    clean = clean_sitegen_build(project, out_dir, repeat)
    clean_output = search_output = None
    no_change = edit = None
    edit_reached = None
    warm = WarmSession(error="not run: the clean build failed")
    work_list: list[tuple[str, int]] = []
    if not clean.error:
        clean_output = tree_size(out_dir)
        work_list = file_sizes(out_dir)
        if (out_dir / SEARCH_DIR).is_dir():
            search_output = tree_size(out_dir / SEARCH_DIR)
        say(f"[{papers}] sitegen: no-change rebuild")
        no_change = run_sitegen(project, out_dir, incremental=True)
        say(f"[{papers}] sitegen: one-paper edit")
        _, change = edit_one_paper(project, archive)
        edit = run_sitegen(project, out_dir, incremental=True)
        edit_reached = not edit.error and output_contains(out_dir, EDIT_SENTENCE)
        say(f"[{papers}] sitegen: warm session (build, no-change rebuild, edit), as `sitegen serve`")
        save_text(project, change.path, change.before)
        warm_out = workdir / "site-warm"
        shutil.rmtree(warm_out, ignore_errors=True)
        warm = run_warm_session(project, warm_out, change, workdir)
        shutil.rmtree(warm_out, ignore_errors=True)

    say(f"[{papers}] hugo")
    hugo_site = workdir / "hugo"
    shutil.rmtree(hugo_site, ignore_errors=True)
    write_hugo_project(hugo_site, archive.papers)
    hugo = hugo_build(hugo_site, repeat)

    say(f"[{papers}] floor")
    if work_list:
        floor = floor_build(work_list, workdir, repeat, "sitegen's files")
    elif hugo.output:
        floor = floor_build(file_sizes(hugo_site / "out"), workdir, repeat, "Hugo's files (sitegen failed)")
    else:
        floor = ToolRun(None, None, note="floor: no output to copy the sizes of")
    return SizeReport(papers, archive.entry_count, len(archive.listings), clean, clean_output, search_output,
                      no_change, edit, edit_reached, warm, hugo, floor)


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes numbers separated by commas, e.g. 1000,10000; got {text!r}")
    if not sizes or min(sizes) < 2:
        raise argparse.ArgumentTypeError("--sizes needs at least one size of 2 papers or more")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000], metavar="N,N",
                        help="archive sizes in papers (default: 1000,10000)")
    parser.add_argument("--with-100k", action="store_true", help="also measure 100,000 papers (slow)")
    parser.add_argument("--repeat", type=int, default=1, metavar="R",
                        help="run each clean build R times and report the median run (default: 1)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate and build in DIR and keep everything (default: a temporary folder)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    sizes = sorted(set(args.sizes + ([100_000] if args.with_100k else [])))

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    load_before = os.getloadavg()[0]
    workroot = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="sitegen-bench-"))
    try:
        reports = [bench_size(size, workroot / f"n{size}", args.repeat, say) for size in sizes]
    finally:
        if not args.keep:
            shutil.rmtree(workroot, ignore_errors=True)
    version = hugo_version()
    print(format_report(reports, f"Hugo {version}" if version else "hugo: not installed"))
    # Other work on the machine skews every figure; say how busy it was so readers can judge.
    print(f"\nLoad average (1 min) before and after: {load_before:.1f}, {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
