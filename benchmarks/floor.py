"""The floor: write the same files, of the same sizes, with no parsing or rendering.

No generator can write its output faster than this on the same disk, so sitegen's time
divided by this one says how much is spent on anything but I/O and interpreter start.

Usage: python3 benchmarks/floor.py WORKLIST.json OUT_DIR
WORKLIST.json holds [[relative_path, size], ...].
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def write_floor(work_list: list[tuple[str, int]], out_dir: Path) -> None:
    made: set[Path] = set()
    for relative, size in work_list:
        path = out_dir / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_bytes(b"x" * size)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    work_list = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    write_floor([(relative, size) for relative, size in work_list], Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
