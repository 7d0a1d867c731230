"""What the search stage knows about a paper: the indexed text and what a result shows."""

from __future__ import annotations

from dataclasses import dataclass

from ..documents import Documents
from ..render.urls import paper_url


@dataclass(frozen=True)
class SearchDocument:
    ref: str  # the paper id: stable across rebuilds, so a result never points at the wrong paper
    title: str
    abstract: str
    collections: tuple[str, ...]  # names as shown on the site
    tags: tuple[str, ...]
    url: str  # relative to the site root; the browser resolves it against the root it runs at
    has_code: bool


def search_documents(documents: Documents) -> tuple[SearchDocument, ...]:
    """One per paper, with hand-written overrides applied, so search finds what pages show."""
    return tuple(
        SearchDocument(
            ref=paper.id,
            title=paper.title,
            abstract=paper.abstract_text,
            collections=tuple(collection.name for collection in paper.collections),
            tags=paper.tags,
            url=paper_url(paper.slug),
            has_code=paper.has_code,
        )
        for paper in sorted(documents.papers, key=lambda paper: paper.id)
    )
