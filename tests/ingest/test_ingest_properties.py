"""Property tests: the parser survives any input and never loses a title it was given."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sitegen.ingest import build_archive, parse_listing
from sitegen.ingest.identity import normalize_title
from sitegen.ingest.listing import looks_like_abstract, looks_like_title
from sitegen.model import RawListing

SOURCE = "content/listings/generated.txt"
_LETTERS = "abcdefghijklmnopqrstuvwxyzéüçßøλ"


def _check_invariants(parsed) -> None:
    archive = build_archive([parsed])
    assert archive.entry_count == len(parsed.entries)
    assert len({p.slug for p in archive.papers}) == len(archive.papers)
    for paper in archive.papers:
        assert paper.title
        assert paper.slug and "/" not in paper.slug and paper.slug not in {".", ".."}
    for diagnostic in archive.diagnostics:
        assert diagnostic.file == SOURCE and diagnostic.message


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_give_entries_or_diagnostics(data):
    parsed = parse_listing(RawListing(SOURCE, data), {})
    assert parsed.entries or parsed.diagnostics
    _check_invariants(parsed)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=3000))
def test_any_text_gives_entries_or_diagnostics(text):
    """Any UTF-8 text without NUL bytes (binary data) is a listing: warnings at worst."""
    parsed = parse_listing(RawListing(SOURCE, text.encode("utf-8")), {})
    assert parsed.entries or parsed.diagnostics
    assert not any(d.severity == "error" for d in parsed.diagnostics)
    _check_invariants(parsed)


_LATEXY = st.sampled_from([r"\textbf{x}", r"\emph{", "{", "}", "$", "$$", "~", "``", "''", "\\", "https://", "http://a.b/(", "{https://x.io}"])


@settings(max_examples=200)
@given(st.lists(st.one_of(_LATEXY, st.text(max_size=20)), max_size=60))
def test_latex_and_url_fragments_never_crash(pieces):
    text = "Title Here\n" + "".join(pieces) + " This is a long enough abstract sentence. " * 5
    _check_invariants(parse_listing(RawListing(SOURCE, text.encode("utf-8")), {}))


_word = st.text(alphabet=_LETTERS, min_size=1, max_size=10)
_title = st.builds(
    lambda words, capitalize, punctuation: " ".join(w.capitalize() if capitalize else w for w in words) + punctuation,
    st.lists(_word, min_size=1, max_size=14),
    st.booleans(),
    st.sampled_from(["", "?", ":", " ^2", "!"]),
).filter(lambda t: looks_like_title(t) and not looks_like_abstract(t))
_sentence = st.builds(lambda words: " ".join(words).capitalize() + ".", st.lists(_word, min_size=4, max_size=20))
_abstract = st.lists(_sentence, min_size=2, max_size=8).map(" ".join).filter(looks_like_abstract)


@st.composite
def listings(draw):
    titles = draw(st.lists(_title, min_size=1, max_size=12, unique_by=lambda t: t.casefold()))
    abstracts = [draw(st.one_of(st.none(), _abstract) if draw(st.integers(0, 4)) == 0 else _abstract) for _ in titles]
    header = draw(st.sampled_from([
        [],
        ["new", "Get trending papers in your email inbox!", "Subscribe", "byAK and the research community", "Mar 12"],
        ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!"],
    ]))
    glue_subscribe = bool(header) and header[-1] != "Mar 12" and draw(st.booleans())
    body = []
    for index, (title, abstract) in enumerate(zip(titles, abstracts)):
        body.append(("Subscribe" + title[0].upper() + title[1:]) if index == 0 and glue_subscribe else title)
        if abstract is not None:
            body.append(abstract)
    blank = draw(st.sampled_from(["", "\n", "\n\n"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    pad = draw(st.sampled_from(["", " ", "  \t"]))
    lines = [pad + line + pad for line in header + body]
    text = (newline + blank.replace("\n", newline)).join(lines) + newline
    bom = "\ufeff" if draw(st.booleans()) else ""
    expected_titles = [titles[0][0].upper() + titles[0][1:], *titles[1:]] if glue_subscribe else titles
    return (bom + text).encode("utf-8"), expected_titles, abstracts


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(listings())
def test_every_title_given_is_found_with_its_abstract(listing):
    data, titles, abstracts = listing
    assume(all(t.casefold().rstrip("!.") not in {"new", "subscribe"} for t in titles))
    parsed = parse_listing(RawListing(SOURCE, data), {})
    assert [e.title for e in parsed.entries] == titles
    assert [e.abstract for e in parsed.entries] == [a or "" for a in abstracts]
    missing = sum(a is None for a in abstracts)
    assert sum("has no abstract" in d.message for d in parsed.diagnostics) == missing
    assert all(d.severity == "warning" for d in parsed.diagnostics)
    archive = build_archive([parsed])
    assert len(archive.papers) == len({normalize_title(t) or t for t in titles})
