"""A small synthetic site project that tests/perf edits the ways an author edits one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from benchmarks.synthetic import SyntheticArchive, generate_archive, render_listing, write_project


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


class Project:
    def __init__(self, root: Path, papers: int = 40):
        self.root = root
        self.archive = generate_archive(papers)
        write_project(root, self.archive, per_page=7)

    def rewrite_listings(self, archive: SyntheticArchive) -> None:
        self.archive = archive
        for listing in archive.listings:
            (self.root / "content" / "listings" / listing.file_name).write_text(
                render_listing(listing), encoding="utf-8", newline="\n")

    def change_a_listing(self, change: Callable[[tuple], tuple]) -> None:
        """Rewrite the listing with the most entries with CHANGE applied to its entries."""
        listings = list(self.archive.listings)
        at = max(range(len(listings)), key=lambda number: len(listings[number].entries))
        listings[at] = replace(listings[at], entries=change(listings[at].entries))
        self.rewrite_listings(replace(self.archive, listings=tuple(listings)))

    def slug_of_a_paper(self) -> str:
        site = self.root / "site"
        return sorted(p.name for p in (site / "papers").iterdir() if p.is_dir() and p.name != "page")[3]
