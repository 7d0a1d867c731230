"""Paper identity: the normalized title, the stable id derived from it, and path-safe slugs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping

MAX_SLUG_LENGTH = 80
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def normalize_title(title: str) -> str:
    """The de-duplication key: case, punctuation, symbols, spacing and Unicode forms do not count."""
    text = unicodedata.normalize("NFKC", title).casefold()
    kept = "".join(
        " " if char.isspace() else char
        for char in text
        if not unicodedata.category(char).startswith(("P", "S", "C")) or char.isspace()
    )
    return " ".join(kept.split())


def paper_id(normalized_title: str, length: int = 10) -> str:
    return "p" + hashlib.sha1(normalized_title.encode("utf-8")).hexdigest()[:length]


def base_slug(title: str, paper: str) -> str:
    """ASCII, lowercase, '-'-separated, at most MAX_SLUG_LENGTH characters, never empty."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    slug = _NON_SLUG.sub("-", folded.encode("ascii", "ignore").decode("ascii").lower()).strip("-")
    slug = _shorten(slug, MAX_SLUG_LENGTH)
    if not slug:
        return f"paper-{paper}"
    if slug in _WINDOWS_RESERVED:
        return f"{slug}-paper"
    return slug


def assign_slugs(titles: Mapping[str, str]) -> dict[str, str]:
    """Paper id -> unique slug, given paper id -> title.

    Papers whose slugs clash all get a suffix from their own id, so whether a paper's slug carries a
    suffix depends only on papers with the same slug, never on unrelated ones.
    """
    slugs = {paper: base_slug(title, paper) for paper, title in titles.items()}
    suffix_length = 6
    while True:
        holders: dict[str, list[str]] = defaultdict(list)
        for paper, slug in slugs.items():
            holders[slug].append(paper)
        clashing = [papers for papers in holders.values() if len(papers) > 1]
        if not clashing:
            return slugs
        for papers in clashing:
            for paper in papers:
                suffix = paper[1 : 1 + suffix_length]
                stem = _shorten(slugs[paper], MAX_SLUG_LENGTH - len(suffix) - 1)
                slugs[paper] = f"{stem}-{suffix}" if stem else f"paper-{paper}"
        # Only two ids sharing their first hex digits could clash again; the next round uses more.
        suffix_length += 4


def _shorten(slug: str, limit: int) -> str:
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    if slug[limit] != "-" and "-" in cut:
        cut = cut[: cut.rindex("-")]
    return cut.strip("-")
