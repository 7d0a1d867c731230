"""Benchmark the search stage: index and document store size (raw and gzip) per paper, and build time.

Usage: python3 benchmarks/search_index.py [--sizes 1000,5000] [--repeat R]

Always measures the seed archive (the repository's own content/); --sizes adds synthetic
archives of that many distinct papers (benchmarks/synthetic.py). Time is the search stage
alone (sitegen.search.build_search_files on already-loaded documents), best of R runs.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script: make `benchmarks` and `sitegen` importable
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.synthetic import generate_project  # noqa: E402
from sitegen.config import load_config  # noqa: E402
from sitegen.documents import Documents, make_documents  # noqa: E402
from sitegen.ingest import load_archive  # noqa: E402
from sitegen.search import build_search_files  # noqa: E402


def load_documents(project: Path) -> Documents:
    config = load_config(project)
    archive = load_archive(config)
    return make_documents(archive, (), (), config.collection_names)


def measure(label: str, documents: Documents, repeat: int) -> str:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        files = build_search_files(documents)
        timings.append(time.perf_counter() - started)
    papers = len(documents.papers)
    cells = [label, str(papers)]
    for name in ("search/lunr-index.json", "search/documents.json"):
        raw = len(files[name])
        zipped = len(gzip.compress(files[name], compresslevel=9, mtime=0))
        cells += [_kb(raw), _kb(zipped), f"{raw / max(papers, 1) / 1024:.2f} / {zipped / max(papers, 1) / 1024:.2f}"]
    cells.append(f"{min(timings):.2f}")
    return "| " + " | ".join(cells) + " |"


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="", help="comma-separated synthetic archive sizes, e.g. 1000,5000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best time is shown")
    args = parser.parse_args(argv)

    print("| archive | papers | index raw | index gzip | index KB/paper raw / gzip "
          "| store raw | store gzip | store KB/paper raw / gzip | build s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(measure("seed", load_documents(REPO_ROOT), args.repeat), flush=True)
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        with tempfile.TemporaryDirectory() as scratch:
            project = Path(scratch) / "project"
            generate_project(project, size)
            print(measure(f"synthetic {size}", load_documents(project), args.repeat), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
