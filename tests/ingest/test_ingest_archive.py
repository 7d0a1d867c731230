"""Merging listings into papers: duplicates, conflicts, ids, slugs, collections."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from sitegen.ingest import build_archive, parse_listing
from sitegen.ingest.identity import base_slug, normalize_title, paper_id, unique_slugs
from sitegen.model import RawListing

LONG = "This abstract is long enough to read as prose. It has several sentences, and it goes on for a while so that it looks like a real abstract."


def listing(name: str, *pairs: tuple[str, str], names=None):
    text = "\n".join(f"{title}\n{abstract}" for title, abstract in pairs) + "\n"
    return parse_listing(RawListing(f"content/listings/{name}.txt", text.encode()), names or {})


def test_same_title_across_listings_is_one_paper_remembering_every_listing():
    archive = build_archive([
        listing("b_second", ("Other Paper", LONG), ("Deep Nets: A Study", LONG)),
        listing("a_first", ("Deep nets — a study!", LONG)),
    ])
    assert archive.entry_count == 3 and len(archive.papers) == 2 and archive.duplicates_merged == 1
    paper = next(p for p in archive.papers if p.collections == ("a_first", "b_second"))
    assert [(a.source, a.line) for a in paper.appearances] == [
        ("content/listings/a_first.txt", 1), ("content/listings/b_second.txt", 3)]
    assert paper.title == "Deep nets — a study!"  # as first listed, by (file, line)
    assert archive.diagnostics == ()


def test_conflicting_abstracts_keep_the_longest_and_name_both_places():
    archive = build_archive([
        listing("a", ("Deep Nets", LONG)),
        listing("b", ("DEEP NETS", LONG + " One more sentence.")),
        listing("c", ("Deep  nets", "  " + LONG.replace(" ", "   ") + " ")),  # same after whitespace normalization
    ])
    (paper,) = archive.papers
    assert paper.abstract_text.endswith("One more sentence.")
    (warning,) = archive.diagnostics
    assert warning.severity == "warning" and (warning.file, warning.line) == ("content/listings/a.txt", 1)
    assert "content/listings/b.txt:1" in warning.message and "different abstract" in warning.message


def test_equal_length_conflict_keeps_the_first_by_file_and_line():
    archive = build_archive([listing("b", ("Deep Nets", LONG.replace("prose", "verse"))), listing("a", ("Deep Nets", LONG))])
    assert "prose" in archive.papers[0].abstract_text
    (warning,) = archive.diagnostics
    assert warning.file == "content/listings/b.txt"
    assert "is also at content/listings/a.txt:1 with a different abstract of the same length; that one is listed first" in warning.message


def test_a_missing_abstract_is_filled_from_another_listing_without_conflict():
    archive = build_archive([listing("a", ("Deep Nets", LONG)), parse_listing(RawListing("content/listings/b.txt", b"Deep Nets\n"), {})])
    assert archive.papers[0].abstract_text == LONG
    assert [d.file for d in archive.diagnostics] == ["content/listings/b.txt"]  # only "no abstract"


def test_ids_depend_only_on_the_normalized_title():
    assert normalize_title("  Ｄeep-Nets:\tA   STUDY?! ") == "deepnets a study"
    assert paper_id(normalize_title("Deep Nets")) == paper_id(normalize_title("deep nets."))
    assert re.fullmatch(r"p[0-9a-f]{10}", paper_id("deep nets"))
    one = build_archive([listing("a", ("Deep Nets", LONG))]).papers[0]
    other = build_archive([listing("z", ("Other", LONG), ("deep nets", LONG + " More."))])
    assert one.id in {p.id for p in other.papers}


@pytest.mark.parametrize(("title", "slug"), [
    ("Tokens-to-Token ViT: Training Vision Transformers", "tokens-to-token-vit-training-vision-transformers"),
    ("Gärdenfors' Ça Marche — Ångström", "gardenfors-ca-marche-angstrom"),
    ("S^2IP-LLM", "s-2ip-llm"),
    ("../../etc/passwd", "etc-passwd"),
    ("CON", "con-paper"),
    ("nul", "nul-paper"),
    ("深度学习", "paper-p0123456789"),
    ("...", "paper-p0123456789"),
    ("a\x00b\x1fc", "a-b-c"),
])
def test_base_slug_is_safe(title, slug):
    assert base_slug(title, "p0123456789") == slug


def test_long_slugs_are_cut_at_a_word_boundary():
    slug = base_slug("word " * 40 + "end", "p0")
    assert len(slug) <= 80 and slug.endswith("word") and not slug.endswith("-")
    assert base_slug("x" * 200, "p0") == "x" * 80


def assign_slugs(titles: dict[str, str]) -> dict[str, str]:
    return unique_slugs({paper: base_slug(title, paper) for paper, title in titles.items()})


def test_colliding_slugs_all_get_their_id_and_unrelated_papers_never_change():
    titles = {"paaaaaa1111": "Deep Nets", "pbbbbbb2222": "Deep-Nets!", "pccccccc333": "Unrelated"}
    slugs = assign_slugs(titles)
    assert slugs == {"paaaaaa1111": "deep-nets-aaaaaa", "pbbbbbb2222": "deep-nets-bbbbbb", "pccccccc333": "unrelated"}
    assert assign_slugs({**titles, "pdddddd4444": "Another"})["pccccccc333"] == "unrelated"
    assert assign_slugs({"paaaaaa1111": "Deep Nets", "pccccccc333": "Unrelated"})["paaaaaa1111"] == "deep-nets"


def test_collided_slugs_stay_unique_even_against_a_title_that_looks_suffixed():
    slugs = assign_slugs({"paaaaaa1111": "Deep Nets", "pbbbbbb2222": "Deep Nets?", "pc": "Deep Nets aaaaaa"})
    assert len(set(slugs.values())) == 3
    assert all(len(s) <= 80 for s in assign_slugs({f"p{i:010x}": "y" * 100 for i in range(3)}).values())


def test_collection_names_come_from_config_or_from_file_name_and_date():
    text = b"new\nMar 12\nDeep Nets\n" + LONG.encode() + b"\n"
    configured = parse_listing(RawListing("content/listings/000_ab12cd34ef.txt", text), {"000_ab12cd34ef": "Vision, March"})
    assert configured.collection.name == "Vision, March" and configured.collection.key == "000_ab12cd34ef"
    derived = parse_listing(RawListing("content/listings/003_vision_papers_6224a8af48f65b83.txt", text), {})
    assert derived.collection.name == "Vision Papers, Mar 12"
    bare = parse_listing(RawListing("content/listings/000_6224a8af48f65b83.txt", b"Deep Nets\n" + LONG.encode()), {})
    assert bare.collection.name == "Listing 000"
    dated = parse_listing(RawListing("content/listings/001_b1758b0e5f91b0f6.txt", text), {})
    assert dated.collection.name == "Listing 001, Mar 12"
    odd = parse_listing(RawListing("content/listings/My Läst (v2).txt", text), {})
    assert odd.collection.key == "my-l-st-v2"


def test_two_files_with_the_same_collection_key_are_an_error():
    archive = build_archive([listing("Vision", ("A Paper", LONG)), listing("vision", ("B Paper", LONG))])
    (error,) = archive.errors
    assert "same as that of content/listings/Vision.txt" in error.message and error.file == "content/listings/vision.txt"


def test_abstract_markdown_renders_untrusted_text_as_text():
    hostile = "<script>alert(1)</script> <img src=x onerror=alert(1)> &lt; [x](javascript:alert(1)) " + LONG
    (paper,) = build_archive([listing("a", ('<b onmouseover="x">Title</b>', hostile + " Code: https://github.com/a/b."))]).papers
    html = MarkdownIt("commonmark").use(dollarmath_plugin).render(paper.abstract_markdown)
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&amp;lt;" in html
    assert '<a href="https://github.com/a/b">https://github.com/a/b</a>.' in html
    assert paper.abstract_text.startswith(hostile)
    assert paper.title == '<b onmouseover="x">Title</b>'
    assert paper.has_code


def test_archive_is_sorted_and_deterministic():
    parsed = [listing("b", ("Zeta", LONG), ("Alpha", LONG)), listing("a", ("Mid", LONG))]
    first = build_archive(parsed)
    assert first == build_archive(list(reversed(parsed)))
    assert [c.key for c in first.collections] == ["a", "b"]
    assert [p.id for p in first.papers] == sorted(p.id for p in first.papers)
