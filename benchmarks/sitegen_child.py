"""sitegen builds in their own process, for run.py to measure; prints the results as JSON.

Usage:
  python3 benchmarks/sitegen_child.py PROJECT OUT_DIR [--incremental]
      one build, as `sitegen build` runs it: a new process, no build cache
  python3 benchmarks/sitegen_child.py PROJECT OUT_DIR --warm EDIT.json
      what `sitegen serve` does, in one process keeping a BuildCache: a clean build, a
      no-change rebuild, then EDIT.json's {"path", "after"} text saved and a rebuild timed
      from the save to the last file written
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def timed_build(build, project: Path, out_dir: Path, **options) -> dict:
    started = time.perf_counter()
    result = build(project, out_dir=out_dir, **options)
    return {
        "build_seconds": time.perf_counter() - started,
        "stages": dict(result.timings),
        "files_written": result.written,
    }


def warm_session(build, project: Path, out_dir: Path, edit_path: Path) -> dict:
    from sitegen.build_cache import BuildCache

    edit = json.loads(edit_path.read_text(encoding="utf-8"))
    cache = BuildCache()
    clean = timed_build(build, project, out_dir, cache=cache)
    no_change = timed_build(build, project, out_dir, incremental=True, cache=cache)
    saved = time.perf_counter()
    (project / edit["path"]).write_text(edit["after"], encoding="utf-8", newline="\n")
    edited = timed_build(build, project, out_dir, incremental=True, cache=cache)
    edited["build_seconds"] = time.perf_counter() - saved
    return {"clean": clean, "no_change": no_change, "edit": edited}


def main(argv: list[str]) -> int:
    modes = {(): "cold", ("--incremental",): "incremental"}
    mode = modes.get(tuple(argv[2:]), "warm" if len(argv) == 4 and argv[2] == "--warm" else None)
    if len(argv) < 2 or mode is None:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    # Imported here so that import time counts in the process's wall time but not in build().
    from sitegen.build import build
    from sitegen.errors import BuildFailed, SitegenError

    project, out_dir = Path(argv[0]), Path(argv[1])
    try:
        if mode == "warm":
            report = warm_session(build, project, out_dir, Path(argv[3]))
        else:
            report = timed_build(build, project, out_dir, incremental=mode == "incremental")
    except SitegenError as exc:
        print(exc, file=sys.stderr)
        return 1
    except BuildFailed as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        print(exc, file=sys.stderr)
        return 1
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
