"""Benchmark the search stage: what it writes (raw and gzip), how long it takes, and the sharded
index's postings made directly against the old way through a whole lunr index.

Usage: python3 benchmarks/search_index.py [--sizes 1000,10000] [--repeat R] [--edit]

Always measures the seed archive (the repository's own content/); --sizes adds synthetic
archives of that many distinct papers (benchmarks/synthetic.py). Times are CPU seconds of this
process (the machine is shared; wall time is noisier), best of R runs, on already-loaded
documents. Both postings routes run alternately in the same run, so their ratio is fair.
--edit adds the search stage of a warm rebuild through a BuildCache after one abstract changed.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script: make `benchmarks` and `sitegen` importable
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.synthetic import EDIT_SENTENCE, generate_project  # noqa: E402
from sitegen.build_cache import BuildCache, search_index_maker  # noqa: E402
from sitegen.config import SiteConfig, load_config  # noqa: E402
from sitegen.documents import Documents, make_documents  # noqa: E402
from sitegen.ingest import load_archive  # noqa: E402
from sitegen.search import build_search_files  # noqa: E402
from sitegen.search.files import search_files_for  # noqa: E402
from sitegen.search.documents import search_documents  # noqa: E402
from sitegen.search.index import serialized_index  # noqa: E402
from sitegen.search.postings import postings_of_documents  # noqa: E402
from sitegen.search.shards import postings_by_term  # noqa: E402


def load_documents(project: Path) -> Documents:
    config = load_config(project)
    archive = load_archive(config)
    return make_documents(archive, (), (), config.collection_names)


def best_cpu(function: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        timings.append(time.process_time() - started)
    return min(timings)


def measure(label: str, documents: Documents, repeat: int, edit: bool) -> str:
    threshold = SiteConfig.search_shard_threshold
    files = build_search_files(documents, threshold)
    stage = best_cpu(lambda: build_search_files(documents, threshold), repeat)
    raw = sum(len(data) for data in files.values())
    zipped = sum(len(gzip.compress(data, compresslevel=9, mtime=0)) for data in files.values())
    papers = len(documents.papers)
    sharded = "search/lunr-index.json" not in files

    searchable = search_documents(documents)
    refs = [document.ref for document in searchable]
    through_index = direct = float("inf")
    for _ in range(repeat):  # alternately, so both see the same load on a shared machine
        through_index = min(through_index, best_cpu(
            lambda: list(postings_by_term(serialized_index(searchable), refs)), 1))
        direct = min(direct, best_cpu(lambda: postings_of_documents(searchable), 1))

    cells = [label, str(papers), "sharded" if sharded else "single", f"{len(files):,}", _kb(raw), _kb(zipped),
             f"{zipped / max(papers, 1) / 1024:.2f}", f"{stage:.2f}", f"{through_index:.2f}", f"{direct:.2f}",
             f"{through_index / max(direct, 1e-9):.1f}x"]
    cells.append(f"{warm_edit(searchable, threshold):.3f}" if edit else "-")
    return "| " + " | ".join(cells) + " |"


def warm_edit(searchable: tuple, threshold: int) -> float:
    """CPU seconds of the search stage after one abstract changed, with a BuildCache kept from the last build."""
    cache = BuildCache()
    cache.start()
    search_files_for(searchable, threshold, search_index_maker(cache))
    cache.finish()
    middle = len(searchable) // 2
    paper = searchable[middle]
    edited = (*searchable[:middle], dataclasses.replace(paper, abstract=f"{paper.abstract} {EDIT_SENTENCE}"),
              *searchable[middle + 1:])
    cache.start()
    started = time.process_time()
    search_files_for(edited, threshold, search_index_maker(cache))
    spent = time.process_time() - started
    cache.finish()
    return spent


def _kb(size: int) -> str:
    return f"{size / 1024:,.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="", help="comma-separated synthetic archive sizes, e.g. 1000,10000")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best CPU time is shown")
    parser.add_argument("--edit", action="store_true", help="also time the warm search stage after one edit")
    args = parser.parse_args(argv)

    print("| archive | papers | index | files | raw | gzip | gzip KB/paper | stage CPU s "
          "| postings via lunr index s | postings direct s | speed-up | warm edit s |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(measure("seed", load_documents(REPO_ROOT), args.repeat, args.edit), flush=True)
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        with tempfile.TemporaryDirectory() as scratch:
            project = Path(scratch) / "project"
            generate_project(project, size)
            print(measure(f"synthetic {size}", load_documents(project), args.repeat, args.edit), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
