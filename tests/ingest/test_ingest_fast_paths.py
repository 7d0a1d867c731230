"""The shortcuts ingest takes for the common case give exactly what the general path gives.

Most listing text is printable ASCII with no TeX and no URL; normalize_space, clean_abstract,
to_spans, normalize_title and base_slug skip work for it, parse_listing cleans every entry once so
build_archive only merges, and the LaTeX scanner finds its next stop with str.find instead of one
regular expression. Each test states the general rule independently and compares.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.ingest import build_archive, parse_listing
from sitegen.ingest.clean import _latex_paragraph, _plain_paragraph, clean_abstract, normalize_space
from sitegen.ingest.identity import base_slug, normalize_title
from sitegen.ingest.latex import Span, _curly_quotes, _find_url, _Scanner, is_plain, to_spans
from sitegen.model import RawListing

# Pieces that sit on either side of every shortcut's test: TeX and its look-alikes, URL parts,
# Markdown characters, every kind of space and control character, composed and decomposed letters.
_PIECES = st.sampled_from([
    "\\textbf{x}", "\\emph{", "{", "}", "$", "$x$", "$ 5", "~", "e.g.~the", "``", "''", "``quoted''", "`", "\\", "\\\\", "\\$",
    "https://", "HTTPS://A.io/x", "hhttps://a.b", "xhttp://a.b", "://", ":/", "/", ":", "http", "https://a.b{https://a.b}",
    "*", "_", "[", "]", "<", ">", "&", "|", "#", "1. ", "- ", "=", "+",
    " ", "  ", "\t", "\n", "\n\n", "\r", "\x0b", "\x7f", "\x85", "\xa0", "\u2003", "\u200b", "\ufeff",
    "é", "e\u0301", "ß", "ﬁ", "①", "Ω", "word", "Word", ".", "?", "!",
])
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=30).map("".join)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")
_URL_START = re.compile(r"https?://", re.IGNORECASE)


def _normalize_space_rule(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", _CONTROL_CHARS.sub("", text)).split())


@settings(max_examples=300)
@given(_TEXT)
def test_normalize_space_follows_its_rule_and_a_second_pass_changes_nothing(text):
    spaced = normalize_space(text)
    assert spaced == _normalize_space_rule(text)
    assert normalize_space(spaced) == spaced


@settings(max_examples=300)
@given(_TEXT)
def test_text_with_no_tex_and_no_url_gives_what_the_full_scanner_gives(text):
    for find_links in (True, False):
        assert to_spans(text, find_links) == _Scanner(_curly_quotes(text), find_links, 0).run()
        if text and is_plain(text, find_links):
            assert to_spans(text, find_links) == (Span("text", text),)


@settings(max_examples=300)
@given(_TEXT)
def test_a_plain_paragraph_cleans_as_the_general_path_cleans_it(text):
    paragraph = normalize_space(text)
    if paragraph and is_plain(paragraph):
        urls: list[str] = []
        assert _plain_paragraph(paragraph) == _latex_paragraph(paragraph, urls)
        assert urls == []


@settings(max_examples=300)
@given(st.lists(_TEXT, max_size=4))
def test_saying_the_text_is_spaced_already_changes_nothing_when_it_is(paragraphs):
    raw = "\n\n".join(normalize_space(paragraph) for paragraph in paragraphs)
    assert clean_abstract(raw, spaced=True) == clean_abstract(raw)


@settings(max_examples=300)
@given(_TEXT, st.integers(min_value=0, max_value=40))
def test_urls_are_found_where_the_regular_expression_finds_them(text, start):
    pos = min(start, len(text))
    match = _URL_START.search(text, pos)
    assert _find_url(text, pos) == (match.start() if match else -1)


@settings(max_examples=300)
@given(_TEXT)
def test_title_keys_and_slugs_follow_their_rules_for_ascii_and_other_text(title):
    kept = "".join(
        " " if char.isspace() else char
        for char in unicodedata.normalize("NFKC", title).casefold()
        if not unicodedata.category(char).startswith(("P", "S", "C")) or char.isspace()
    )
    assert normalize_title(title) == " ".join(kept.split())
    folded = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9]+", "-", folded.encode("ascii", "ignore").decode("ascii").lower()).strip("-")
    slug = base_slug(title, "p0123456789")
    assert slug == words[: len(slug)] or slug in {"paper-p0123456789", f"{words}-paper"}


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_TEXT, st.sampled_from(["Deep Nets: A Study", "deep nets — a study!", "Subscribe", "Mar 12"])), max_size=12))
def test_entries_cleaned_by_parse_listing_merge_as_uncleaned_entries_do(lines):
    parsed = parse_listing(RawListing("content/listings/x.txt", "\n".join(lines).encode("utf-8", "surrogatepass")), {})
    assert all(entry.paper is not None and entry.key for entry in parsed.entries)
    uncleaned = replace(parsed, entries=tuple(replace(entry, paper=None, key="") for entry in parsed.entries))
    assert build_archive([uncleaned]) == build_archive([parsed])


def test_an_edited_listing_parsed_with_the_last_parse_kept_equals_a_fresh_parse_and_cleans_only_the_edit():
    kept: dict = {}
    cleaned: list[str] = []

    def lookup(entry, clean):
        if entry not in kept:
            cleaned.append(entry.title)
            kept[entry] = clean()
        return kept[entry]

    sentence = " It is long enough to read as an abstract, with several sentences. Another one follows here."
    listing = "\n".join(f"Paper Number {n}\nAbstract of paper {n} with a link https://github.com/a/b{n}." + sentence for n in range(5))
    raw = RawListing("content/listings/x.txt", listing.encode())
    assert parse_listing(raw, {}, lookup=lookup) == parse_listing(raw, {})
    assert len(cleaned) == 5
    cleaned.clear()

    edited = RawListing(raw.source, listing.replace("paper 3 with", "paper 3, edited, with").encode())
    assert parse_listing(edited, {}, lookup=lookup) == parse_listing(edited, {})
    assert cleaned == ["Paper Number 3"]
    papers = {paper.title: paper for paper in build_archive([parse_listing(edited, {}, lookup=lookup)]).papers}
    assert "paper 3, edited, with" in papers["Paper Number 3"].abstract_text
    assert "edited" not in papers["Paper Number 2"].abstract_text
