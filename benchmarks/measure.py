"""Run one command in a child process and measure it: wall time, CPU time, peak memory.

The command runs under this file as a small launcher process (`python3 measure.py RESULT.json
COMMAND...`), which starts it and reads os.wait4's figures for that one child. On Linux a new
process's peak RSS starts from the memory of the process that started it, so starting builds
straight from the benchmark, which holds a whole synthetic archive, would count the benchmark's
memory as the build's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    wall_seconds: float
    cpu_seconds: float  # user + system, child and the grandchildren it waited for
    peak_rss_bytes: int  # of the largest single process, not the sum over processes
    exit_code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def run_measured(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Measurement:
    with tempfile.TemporaryDirectory() as scratch, \
            open(Path(scratch) / "out", "w+b") as out, open(Path(scratch) / "err", "w+b") as err:
        result = Path(scratch) / "usage.json"
        launcher = [sys.executable, str(Path(__file__).resolve()), str(result), *command]
        completed = subprocess.run(launcher, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                   check=False)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        if not result.exists():
            return Measurement(0.0, 0.0, 0, completed.returncode or 1, stdout, stderr or "the launcher failed")
        usage = json.loads(result.read_text(encoding="utf-8"))
        return Measurement(usage["wall_seconds"], usage["cpu_seconds"], usage["peak_rss_bytes"],
                           usage["exit_code"], stdout, stderr)


def launch(result: Path, command: list[str]) -> int:
    """Run COMMAND with this process's stdio; write its wall, CPU and peak RSS to RESULT."""
    started = time.perf_counter()
    try:
        process = subprocess.Popen(command)
    except OSError as exc:
        print(f"cannot start {command[0]}: {exc}", file=sys.stderr)
        return 127
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    # wait4 reaped the child; tell Popen so it does not try again or warn.
    process.returncode = os.waitstatus_to_exitcode(status)
    result.write_text(json.dumps({
        "wall_seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,  # the child and the grandchildren it waited for
        "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports kibibytes
        "exit_code": process.returncode,
    }), encoding="utf-8")
    return 0


@dataclass(frozen=True)
class TreeSize:
    files: int
    bytes: int


def tree_size(folder: Path) -> TreeSize:
    files = 0
    total = 0
    for path in folder.rglob("*"):
        if path.is_file():
            files += 1
            total += path.stat().st_size
    return TreeSize(files, total)


def file_sizes(folder: Path) -> list[tuple[str, int]]:
    """(relative POSIX path, size) of every file, sorted: the floor's work list."""
    return sorted(
        (path.relative_to(folder).as_posix(), path.stat().st_size)
        for path in folder.rglob("*")
        if path.is_file()
    )


if __name__ == "__main__":
    sys.exit(launch(Path(sys.argv[1]), sys.argv[2:]))
