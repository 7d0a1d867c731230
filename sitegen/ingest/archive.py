"""Parsed listings -> the Archive: papers merged by normalized title, cleaned, linked, named."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..model import Appearance, Archive, Collection, Diagnostic, Entry, Paper, ParsedListing
from .clean import clean_abstract, clean_title, normalize_space
from .identity import assign_slugs, normalize_title, paper_id
from .links import collect_links

STAGE = "ingest"


def build_archive(parsed: Sequence[ParsedListing], extra: Sequence[Diagnostic] = ()) -> Archive:
    diagnostics: list[Diagnostic] = list(extra)
    for listing in parsed:
        diagnostics.extend(listing.diagnostics)
    collections, key_errors = _collections(parsed)
    diagnostics.extend(key_errors)
    entries = sorted((e for listing in parsed for e in listing.entries), key=lambda e: (e.source, e.line))

    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        title = _title(entry)
        # A title of only punctuation or symbols normalizes to nothing; it is then its own key.
        groups[normalize_title(title) or title].append(entry)

    ids = _unique_ids(groups)
    titles = {ids[key]: _title(group[0]) for key, group in groups.items()}
    slugs = assign_slugs(titles)
    papers = []
    for key, group in groups.items():
        winner = _chosen_abstract(group)
        diagnostics.extend(_conflicts(group, winner))
        abstract = clean_abstract(winner.abstract)
        identifier = ids[key]
        papers.append(
            Paper(
                id=identifier,
                slug=slugs[identifier],
                title=titles[identifier],
                abstract_markdown=abstract.markdown,
                abstract_text=abstract.text,
                links=collect_links(abstract.urls),
                appearances=tuple(Appearance(e.collection, e.source, e.line, e.date_label) for e in group),
            )
        )
    papers.sort(key=lambda p: p.id)
    diagnostics.sort(key=lambda d: (d.file, d.line or 0, d.severity, d.message))
    return Archive(
        collections=collections,
        papers=tuple(papers),
        entry_count=len(entries),
        duplicates_merged=len(entries) - len(papers),
        diagnostics=tuple(diagnostics),
    )


def _title(entry: Entry) -> str:
    """The cleaned title, or the title as written if cleaning leaves nothing (a lone macro)."""
    return clean_title(entry.title) or normalize_space(entry.title)


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


def _unique_ids(groups: dict[str, list[Entry]]) -> dict[str, str]:
    """Normalized title -> paper id; the rare clash of two 10-digit ids is settled with longer ids."""
    ids = {key: paper_id(key) for key in groups}
    holders: dict[str, list[str]] = defaultdict(list)
    for key, identifier in ids.items():
        holders[identifier].append(key)
    for keys in holders.values():
        if len(keys) > 1:
            for key in keys:
                ids[key] = paper_id(key, length=20)
    return ids


def _chosen_abstract(group: list[Entry]) -> Entry:
    """The longest abstract wins; among equals the first by (source, line): group is in that order."""
    return max(group, key=lambda e: len(normalize_space(e.abstract)))


def _conflicts(group: list[Entry], winner: Entry) -> list[Diagnostic]:
    kept = normalize_space(winner.abstract)
    warnings = []
    reported: set[str] = {kept}
    for entry in group:
        abstract = normalize_space(entry.abstract)
        if not abstract or abstract in reported:
            continue
        reported.add(abstract)
        place = f"{winner.source}:{winner.line}"
        if len(abstract) == len(kept):
            outcome = "a different abstract of the same length; that one is listed first and is kept"
        else:
            outcome = "a different abstract; that one is longer and is kept"
        warnings.append(Diagnostic("warning", STAGE, entry.source, entry.line, f"title {_title(entry)!r} is also at {place} with {outcome}"))
    return warnings
