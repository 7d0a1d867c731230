"""Paper identity: the normalized title, the stable id derived from it, and path-safe slugs."""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Mapping

MAX_SLUG_LENGTH = 80
_ASCII_NON_SLUG = str.maketrans({chr(code): " " for code in range(128) if not chr(code).isdigit() and not "a" <= chr(code) <= "z"})
# normalize_title for ASCII: whitespace becomes a space; punctuation, symbols and controls go.
_ASCII_TITLE_NOISE = str.maketrans({
    char: " " if char.isspace() else None
    for char in map(chr, range(128))
    if char.isspace() or unicodedata.category(char).startswith(("P", "S", "C"))
})
_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def normalize_title(title: str) -> str:
    """The de-duplication key: case, punctuation, symbols, spacing and Unicode forms do not count."""
    if title.isascii():
        # NFKC leaves ASCII as it is and casefold is lower(); one table does the rest.
        return " ".join(title.lower().translate(_ASCII_TITLE_NOISE).split())
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
    if not title.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
        title = folded.encode("ascii", "ignore").decode("ascii")
    # Every run of characters other than a-z and 0-9 becomes one '-', none at either end.
    slug = "-".join(title.lower().translate(_ASCII_NON_SLUG).split())
    slug = _shorten(slug, MAX_SLUG_LENGTH)
    if not slug:
        return f"paper-{paper}"
    if slug in _WINDOWS_RESERVED:
        return f"{slug}-paper"
    return slug


def unique_slugs(base_slugs: Mapping[str, str]) -> dict[str, str]:
    """Paper id -> unique slug, given paper id -> its base_slug.

    Papers whose slugs clash all get a suffix from their own id, so whether a paper's slug carries a
    suffix depends only on papers with the same slug, never on unrelated ones.
    """
    slugs = dict(base_slugs)
    suffix_length = 6
    while True:
        holders = Counter(slugs.values())
        if len(holders) == len(slugs):
            return slugs
        for paper in [paper for paper, slug in slugs.items() if holders[slug] > 1]:
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
