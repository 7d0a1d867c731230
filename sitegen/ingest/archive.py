"""Parsed listings -> the Archive: entries, cleaned already (entry.py), merged by normalized title into named papers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from operator import attrgetter

from ..model import Archive, Collection, Diagnostic, Entry, Paper, ParsedListing
from .clean import normalize_space
from .entry import with_paper
from .identity import base_slug, paper_id, unique_slugs

STAGE = "ingest"
_PLACE = attrgetter("source", "line")
_ID = attrgetter("id")


def build_archive(parsed: Sequence[ParsedListing], extra: Sequence[Diagnostic] = ()) -> Archive:
    """Merge the listings' entries into papers. Each entry comes cleaned from parse_listing, so
    this only groups, picks and names: it stays cheap when one listing of many was re-parsed."""
    diagnostics: list[Diagnostic] = list(extra)
    for listing in parsed:
        diagnostics.extend(listing.diagnostics)
    collections, key_errors = _collections(parsed)
    diagnostics.extend(key_errors)
    entries = sorted(
        (entry if entry.paper is not None else with_paper(entry) for listing in parsed for entry in listing.entries),
        key=_PLACE,
    )

    # Most papers are listed once, so only repeated titles get a list: after an edit this merge is
    # most of the work left, and every container it makes is more for the garbage collector.
    firsts: dict[str, Entry] = {}
    repeats: dict[str, list[Entry]] = {}
    for entry in entries:
        first = firsts.setdefault(entry.key, entry)
        if first is not entry:
            if entry.key in repeats:
                repeats[entry.key].append(entry)
            else:
                repeats[entry.key] = [first, entry]

    ids = _unique_ids(firsts)
    # A paper is titled and slugged as in its first listing.
    slugs = unique_slugs({ids[key]: _base_slug(_paper(first), ids[key]) for key, first in firsts.items()})
    papers = []
    for key, first_entry in firsts.items():
        identifier = ids[key]
        first = _paper(first_entry)
        group = repeats.get(key)
        if group is None and identifier == first.id and slugs[identifier] == first.slug:
            papers.append(first)
            continue
        group = group or [first_entry]
        winner = _chosen_abstract(group, diagnostics)
        papers.append(
            Paper(
                id=identifier,
                slug=slugs[identifier],
                title=first.title,
                abstract_markdown=winner.abstract_markdown,
                abstract_text=winner.abstract_text,
                links=winner.links,
                appearances=tuple(_paper(entry).appearances[0] for entry in group),
            )
        )
    papers.sort(key=_ID)
    diagnostics.sort(key=lambda d: (d.file, d.line or 0, d.severity, d.message))
    return Archive(
        collections=collections,
        papers=tuple(papers),
        entry_count=len(entries),
        duplicates_merged=len(entries) - len(papers),
        diagnostics=tuple(diagnostics),
    )


def _paper(entry: Entry) -> Paper:
    assert entry.paper is not None  # build_archive gave every entry its paper
    return entry.paper


def _collections(parsed: Sequence[ParsedListing]) -> tuple[tuple[Collection, ...], list[Diagnostic]]:
    by_key: dict[str, Collection] = {}
    errors = []
    for listing in sorted(parsed, key=lambda p: p.collection.source):
        collection = listing.collection
        other = by_key.get(collection.key)
        if other is not None:
            errors.append(Diagnostic(
                "error", STAGE, collection.source, None,
                f"its collection key '{collection.key}' is the same as that of {other.source}; rename one of the two files",
            ))
            continue
        by_key[collection.key] = collection
    return tuple(sorted(by_key.values(), key=lambda c: c.key)), errors


def _unique_ids(firsts: dict[str, Entry]) -> dict[str, str]:
    """Normalized title -> paper id; the rare clash of two 10-digit ids is settled with longer ids."""
    ids = {key: _paper(first).id for key, first in firsts.items()}
    if len(set(ids.values())) == len(ids):
        return ids
    holders: dict[str, list[str]] = defaultdict(list)
    for key, identifier in ids.items():
        holders[identifier].append(key)
    for keys in holders.values():
        if len(keys) > 1:
            for key in keys:
                ids[key] = paper_id(key, length=20)
    return ids


def _base_slug(first: Paper, identifier: str) -> str:
    """base_slug of the paper's title; with_paper made it already unless the id had to grow."""
    return first.slug if identifier == first.id else base_slug(first.title, identifier)


def _chosen_abstract(group: list[Entry], diagnostics: list[Diagnostic]) -> Paper:
    """The paper of the entry whose abstract wins: the longest, among equals the first by
    (source, line), which is the group's order. Every other abstract is reported."""
    abstracts = [entry.abstract for entry in group]
    if abstracts.count(abstracts[0]) == len(abstracts):
        return _paper(group[0])
    spaced = [normalize_space(abstract) for abstract in abstracts]
    chosen = max(range(len(group)), key=lambda index: len(spaced[index]))
    winner, kept = group[chosen], spaced[chosen]
    reported: set[str] = {kept}
    for entry, abstract in zip(group, spaced):
        if not abstract or abstract in reported:
            continue
        reported.add(abstract)
        place = f"{winner.source}:{winner.line}"
        if len(abstract) == len(kept):
            outcome = "a different abstract of the same length; that one is listed first and is kept"
        else:
            outcome = "a different abstract; that one is longer and is kept"
        diagnostics.append(Diagnostic("warning", STAGE, entry.source, entry.line, f"title {_paper(entry).title!r} is also at {place} with {outcome}"))
    return _paper(winner)
