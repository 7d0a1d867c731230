"""One listing file's bytes -> its entries (title, abstract, line) and what was wrong with it.

A listing is a text dump of a paper-listing web page: some header lines, then a title line and an
abstract line per paper, with or without blank lines between them. Nothing here depends on a
particular file: the header is recognized by its wording, pairs by position and by shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import PurePosixPath
from typing import NamedTuple

from ..model import Collection, Diagnostic, Entry, ParsedListing, RawListing
from .clean import normalize_space
from .entry import with_paper

STAGE = "ingest"
MAX_LINE_LENGTH = 50_000
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BOILERPLATE = frozenset({
    "new",
    "subscribe",
    "get trending papers in your email inbox",
    "get trending papers in your email inbox once a day",
    "byak and the research community",
    "by ak and the research community",
})
_LONGEST_BOILERPLATE = max(map(len, _BOILERPLATE))
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_LINE = re.compile(
    rf"^(?:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+(?:{_MONTH})\.?(?:,?\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})$",
    re.IGNORECASE,
)
# The first title of a page is glued to the "Subscribe" button text in some dumps.
_GLUED_SUBSCRIBE = re.compile(r"^Subscribe(?=[^\sa-z])")
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z0-9\"'(]")
_FULL_STOP = re.compile(r"\.\s+[A-Z0-9\"'(]")
_STEM_WORD_SEPARATORS = re.compile(r"[\s_.\-]+")
_ORDERING_TOKEN = re.compile(r"^(?:\d+|(?=[0-9a-f]*\d)[0-9a-f]{8,})$", re.IGNORECASE)
_UNSAFE_KEY_CHARS = re.compile(r"[^a-z0-9_-]+")


class _Line(NamedTuple):  # a tuple: one is made for every line of every listing
    number: int  # 1-based, in the original file
    text: str  # stripped
    kind: str  # "content" | "boilerplate" | "date"


# (entry as parsed, a function cleaning it) -> the entry cleaned: the function's result, or an equal
# one a cache kept from an earlier build.
EntryLookup = Callable[[Entry, Callable[[], Entry]], Entry]


def parse_listing(raw: RawListing, collection_names: Mapping[str, str], *,
                  lookup: EntryLookup | None = None) -> ParsedListing:
    """RAW's entries, each cleaned into the paper it makes on its own (with_paper), and its problems.

    LOOKUP, when given, is asked for each entry's cleaned form: after an edit to a listing, a
    cache passed here answers for every entry but the edited ones.
    """
    stem = PurePosixPath(raw.source).stem
    text_lines, errors = decode(raw)
    lines = _classify(text_lines) if text_lines is not None else []
    date_label = next((line.text for line in lines if line.kind == "date"), None)
    collection = Collection(
        key=collection_key(stem),
        name=collection_names.get(stem) or default_collection_name(stem, date_label),
        source=raw.source,
        date_label=date_label,
    )
    if errors:
        return ParsedListing(collection, (), tuple(errors))
    entries, warnings = _pair(lines, collection, raw.source)
    if not entries:
        what = "empty" if not lines else "only header lines"
        warnings.append(_warning(raw.source, None, f"the listing is {what}: no papers found; add title and abstract lines or remove the file"))
    return ParsedListing(collection, tuple(_cleaned(entry, lookup) for entry in entries), tuple(warnings))


def _cleaned(entry: Entry, lookup: EntryLookup | None) -> Entry:
    # Lines are normalize_space'd when they are read (_classify), hence spaced.
    if lookup is None:
        return with_paper(entry, spaced=True)
    return lookup(entry, lambda: with_paper(entry, spaced=True))


def decode(raw: RawListing) -> tuple[list[str] | None, list[Diagnostic]]:
    """The file's lines, or None and errors saying why it is not a UTF-8 text listing."""
    data = raw.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [_error(raw.source, 1, "the file is UTF-16 text; save it as UTF-8")]
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, [_error(raw.source, line, "binary data (a NUL byte), not a text listing; replace it with a plain-text listing saved as UTF-8")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        return None, [_error(raw.source, line, f"not UTF-8 text (byte 0x{bad} cannot be decoded); save it as UTF-8")]
    # The same line breaks as _LINE_BREAK; splitting on "\n" alone is much faster where it is enough.
    lines = _LINE_BREAK.split(text) if "\r" in text else text.split("\n")
    if max(map(len, lines)) <= MAX_LINE_LENGTH:
        return lines, []
    errors = [
        _error(raw.source, number, f"line is {len(line):,} characters long (limit {MAX_LINE_LENGTH:,}); a listing line holds one title or abstract, so this file is probably not a listing")
        for number, line in enumerate(lines, start=1)
        if len(line) > MAX_LINE_LENGTH
    ]
    return None, errors


def collection_key(stem: str) -> str:
    """URL-safe and case-insensitive-filesystem-safe form of a listing's file name."""
    key = _UNSAFE_KEY_CHARS.sub("-", stem.lower()).strip("-")
    return key or "listing"


def default_collection_name(stem: str, date_label: str | None) -> str:
    """Words of the file name without numbering and hash tokens, plus the listing's date.

    A file name of only such tokens ('000_6224a8af48f65b83') gives 'Listing 000', so that
    listings from the same day still get different names.
    """
    tokens = [t for t in _STEM_WORD_SEPARATORS.split(stem) if t]
    words = [t for t in tokens if not _ORDERING_TOKEN.match(t)]
    name = " ".join(w[:1].upper() + w[1:] for w in words) or " ".join(["Listing", *tokens[:1]])
    return f"{name}, {date_label}" if date_label else name


def looks_like_title(text: str) -> bool:
    """Short, and no full stop: titles may ask questions ('...? A Study of ...') but do not end sentences."""
    return len(text) <= 300 and len(text.split()) <= 40 and not text.endswith(".") and not _FULL_STOP.search(text)


def looks_like_abstract(text: str) -> bool:
    """Long running prose made of sentences."""
    return (
        len(text) >= 150
        and len(text.split()) >= 20
        and (text.endswith((".", "!", "?", ")")) or bool(_SENTENCE_BREAK.search(text)))
    )


def _classify(text_lines: list[str]) -> list[_Line]:
    lines = []
    for number, line in enumerate(text_lines, start=1):
        stripped = normalize_space(line) if line else ""
        if not stripped:
            continue
        boilerplate = _is_boilerplate(stripped)
        if not boilerplate and stripped.startswith("Subscribe"):
            stripped = _GLUED_SUBSCRIBE.sub("", stripped)
            boilerplate = _is_boilerplate(stripped)
        if boilerplate:
            kind = "boilerplate"
        elif _DATE_LINE.match(stripped):
            kind = "date"
        else:
            kind = "content"
        lines.append(_Line(number, stripped, kind))
    return lines


def _pair(lines: list[_Line], collection: Collection, source: str) -> tuple[list[Entry], list[Diagnostic]]:
    """Titles and abstracts alternate; header lines and shape reveal a title whose abstract is missing."""
    entries: list[Entry] = []
    warnings: list[Diagnostic] = []
    date_label = None
    title: _Line | None = None

    def add(title_line: _Line, abstract: str) -> None:
        entries.append(Entry(title_line.text, abstract, collection.key, source, title_line.number, date_label))

    def add_without_abstract(title_line: _Line, why: str) -> None:
        add(title_line, "")
        warnings.append(_warning(source, title_line.number, f"title {_quote(title_line.text)} has no abstract ({why}); the paper is kept without one"))

    for line in lines:
        if line.kind != "content":
            if title is not None:
                add_without_abstract(title, f"line {line.number} is a header line")
                title = None
            if line.kind == "date":
                date_label = line.text
            continue
        if title is None:
            if looks_like_abstract(line.text) and not looks_like_title(line.text):
                if entries:
                    previous = entries[-1]
                    entries[-1] = replace(previous, abstract=f"{previous.abstract}\n\n{line.text}".strip())
                    warnings.append(_warning(source, line.number, f"this paragraph has no title line before it; joined it to the abstract of {_quote(previous.title)} (line {previous.line}) as a new paragraph"))
                else:
                    warnings.append(_warning(source, line.number, "this paragraph looks like an abstract but no title comes before it; it was skipped: add its title on the line above"))
                continue
            title = line
            continue
        if looks_like_title(line.text) and not looks_like_abstract(line.text):
            # Taking a title for an abstract would lose a paper without a trace; taking a (rare)
            # title-shaped abstract for a title keeps everything and says so twice.
            add_without_abstract(title, f"line {line.number} looks like the next title")
            title = line
            continue
        add(title, line.text)
        title = None
    if title is not None:
        add_without_abstract(title, "it is the last line of the file")
    return entries, warnings


def _is_boilerplate(text: str) -> bool:
    core = text.rstrip("!.").strip()
    # Case folding never shortens text nor makes '!', '.' or spaces, so a longer line cannot be one.
    return len(core) <= _LONGEST_BOILERPLATE and core.casefold() in _BOILERPLATE


def _quote(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _error(source: str, line: int | None, message: str) -> Diagnostic:
    return Diagnostic("error", STAGE, source, line, message)


def _warning(source: str, line: int | None, message: str) -> Diagnostic:
    return Diagnostic("warning", STAGE, source, line, message)
