"""The ways into the archive: papers grouped by collection, listing date, tag, letter and code."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any

from ..documents import Documents, PaperDocument, display_names, tag_slug
from ..fingerprint import Shared, hash_once
from ..model import Archive
from .urls import paper_url

SNIPPET_CHARS = 240
_TITLE_AND_SLUG = itemgetter(0, 1)


@hash_once
@dataclass(frozen=True)
class PaperSummary:
    """What a list shows about a paper."""

    slug: str
    url: str
    title: str
    snippet: str  # the start of the abstract as plain text
    collection_names: tuple[str, ...]
    date_labels: tuple[str, ...]
    tags: tuple[str, ...]
    has_code: bool


@hash_once
@dataclass(frozen=True)
class Group:
    """A collection, a listing date or a tag, with its papers in listing order."""

    slug: str
    name: str
    url: str
    papers: tuple[PaperSummary, ...]
    date_label: str | None = None


@hash_once
@dataclass(frozen=True)
class Letter:
    label: str
    anchor: str
    papers: tuple[PaperSummary, ...]


@dataclass(frozen=True)
class SiteIndex:
    papers: tuple[PaperSummary, ...]  # listing order: first appearance by (file, line)
    documents: tuple[PaperDocument, ...]  # same order as papers
    collections: tuple[Group, ...]
    dates: tuple[Group, ...]  # newest first
    tags: tuple[Group, ...]
    letters: tuple[Letter, ...]
    with_code: tuple[PaperSummary, ...]
    # collection key -> paper slug -> 0-based place in that collection, for previous/next links
    positions: dict[str, dict[str, int]]
    collection_by_key: dict[str, Group]


def make_site_index(archive: Archive, documents: Documents, collection_names: dict[str, str],
                    shared: Shared | None = None) -> SiteIndex:
    """SHARED, when given, swaps each document, summary, group and letter for the equal one an earlier
    build made, so the page keys holding them (sitegen.build_cache) compare by identity, not content."""
    same = _same(shared)
    first_seen = {p.slug: (p.appearances[0].source, p.appearances[0].line) if p.appearances else ("", 0)
                  for p in archive.papers}
    ordered = [same(d) for d in sorted(documents.papers, key=lambda d: (first_seen[d.slug], d.slug))]
    if shared is None:
        summaries = {d.slug: summarize(d) for d in ordered}
    else:
        # An edited abstract usually leaves the summary (title, snippet, ...) as it was.
        summaries = {d.slug: shared(("summary", d), lambda d=d: same(summarize(d))) for d in ordered}
    papers = tuple(summaries[d.slug] for d in ordered)
    collections = tuple(map(same, _collections(archive, display_names(archive, collection_names), summaries)))
    return SiteIndex(
        papers=papers,
        documents=tuple(ordered),
        collections=collections,
        dates=tuple(map(same, _dates(archive, summaries))),
        tags=tuple(map(same, _tags(ordered, summaries))),
        # Sorting every title by its folded form is the slowest part; the titles rarely change.
        letters=_letters(papers) if shared is None else shared(("letters", papers),
                                                               lambda: tuple(map(same, _letters(papers)))),
        with_code=tuple(p for p in papers if p.has_code),
        positions={g.slug: {p.slug: at for at, p in enumerate(g.papers)} for g in collections},
        collection_by_key={g.slug: g for g in collections},
    )


def _same(shared: Shared | None) -> Callable[[Any], Any]:
    if shared is None:
        return lambda value: value
    return lambda value: shared(value, lambda: value)


def summarize(document: PaperDocument) -> PaperSummary:
    text = document.abstract_text
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
    return PaperSummary(
        slug=document.slug,
        url=paper_url(document.slug),
        title=document.title,
        snippet=text,
        collection_names=tuple(c.name for c in document.collections),
        date_labels=tuple(dict.fromkeys(c.date_label for c in document.collections if c.date_label)),
        tags=document.tags,
        has_code=document.has_code,
    )


def _collections(archive: Archive, names: dict[str, str],
                 summaries: dict[str, PaperSummary]) -> tuple[Group, ...]:
    members: dict[str, list[tuple[int, str]]] = {c.key: [] for c in archive.collections}
    for paper in archive.papers:
        for appearance in paper.appearances:
            members.setdefault(appearance.collection, []).append((appearance.line, paper.slug))
    return tuple(
        Group(
            slug=collection.key,
            name=names[collection.key],
            url=f"collections/{collection.key}/",
            papers=tuple(summaries[s] for s in dict.fromkeys(s for _, s in sorted(members[collection.key]))),
            date_label=collection.date_label,
        )
        for collection in archive.collections
    )


def _dates(archive: Archive, summaries: dict[str, PaperSummary]) -> tuple[Group, ...]:
    # Keyed by URL slug, so "Mar 12" and "mar 12" share one page instead of overwriting each other.
    members: dict[str, list[tuple[str, int, str]]] = {}
    labels: dict[str, str] = {}
    slugs: dict[str, str] = {}  # a handful of labels, each on thousands of papers
    for paper in archive.papers:
        for appearance in paper.appearances:
            if appearance.date_label:
                slug = slugs.get(appearance.date_label)
                if slug is None:
                    slug = slugs[appearance.date_label] = tag_slug(appearance.date_label) or "undated"
                labels[slug] = min(labels.get(slug, appearance.date_label), appearance.date_label)
                members.setdefault(slug, []).append((appearance.source, appearance.line, paper.slug))
    return tuple(
        Group(slug=slug, name=labels[slug], url=f"dates/{slug}/", date_label=labels[slug],
              papers=tuple(summaries[s] for s in dict.fromkeys(s for *_, s in sorted(members[slug]))))
        for slug in sorted(members, key=lambda slug: _date_order(labels[slug]))
    )


def _date_order(label: str) -> tuple:
    """Newest first: labels with a year by date, then year-less ones ("Mar 12") by month and day."""
    text = label.strip()
    for pattern in ("%Y-%m-%d", "%d %b %Y", "%b %d, %Y", "%b %d %Y", "%B %d, %Y", "%B %d %Y"):
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return (0, -parsed.year, -parsed.month, -parsed.day, label)
    for pattern in ("%b %d %Y", "%B %d %Y"):
        try:
            # A leap year, so "Feb 29" parses.
            parsed = datetime.strptime(f"{text} 2000", pattern)
        except ValueError:
            continue
        return (1, 0, -parsed.month, -parsed.day, label)
    return (2, 0, 0, 0, label)


def _tags(ordered: list[PaperDocument], summaries: dict[str, PaperSummary]) -> tuple[Group, ...]:
    members: dict[str, list[str]] = {}
    spelling: dict[str, str] = {}
    for document in ordered:
        for tag in document.tags:
            slug = tag_slug(tag)
            if not slug:
                continue
            members.setdefault(slug, [])
            if document.slug not in members[slug]:
                members[slug].append(document.slug)
            spelling[slug] = min(spelling.get(slug, tag), tag)
    return tuple(
        Group(slug=slug, name=spelling[slug], url=f"tags/{slug}/",
              papers=tuple(summaries[s] for s in members[slug]))
        for slug in sorted(members)
    )


def _letters(papers: tuple[PaperSummary, ...]) -> tuple[Letter, ...]:
    groups: dict[str, list[PaperSummary]] = {}
    for sort_title, _, paper in sorted(((_sort_title(p.title), p.slug, p) for p in papers), key=_TITLE_AND_SLUG):
        groups.setdefault(_initial(sort_title), []).append(paper)
    ordered = sorted(groups, key=lambda label: (label in ("0–9", "#"), label == "#", label))
    return tuple(Letter(label, _anchor(label), tuple(groups[label])) for label in ordered)


def _sort_title(title: str) -> str:
    return unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().casefold() or title.casefold()


def _initial(sort_title: str) -> str:
    for char in sort_title:
        if char.isalpha():
            return char.upper()
        if char.isdigit():
            return "0–9"
    return "#"


def _anchor(label: str) -> str:
    return {"0–9": "letter-digits", "#": "letter-other"}.get(label, f"letter-{label.lower()}")
