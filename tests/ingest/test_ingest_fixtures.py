"""Each tests/ingest/fixtures/NAME.txt is parsed and compared with NAME.json.

NAME.json keys (all optional except "diagnostics"):
  collection   key/name/date_label of the listing's collection
  entries      every entry, in order: line, title, abstract (as found), date_label
  papers       fields of the cleaned papers, each found by its title; "links" as [url, kind] pairs
  diagnostics  every diagnostic, in order: severity, line and a part of the message
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.ingest import build_archive, parse_listing
from sitegen.model import RawListing

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(path.stem for path in FIXTURES.glob("*.json"))


def test_every_fixture_has_a_listing_and_an_expectation():
    listings = sorted(path.stem for path in FIXTURES.glob("*.txt"))
    assert listings == CASES
    assert len(CASES) >= 15


@pytest.mark.parametrize("name", CASES)
def test_fixture(name):
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    source = f"tests/ingest/fixtures/{name}.txt"
    raw = RawListing(source=source, data=(FIXTURES / f"{name}.txt").read_bytes())
    parsed = parse_listing(raw, {})
    archive = build_archive([parsed])

    if "collection" in expected:
        collection = parsed.collection
        assert {"key": collection.key, "name": collection.name, "date_label": collection.date_label} == expected["collection"]
        assert collection.source == source

    if "entries" in expected:
        found = [{"line": e.line, "title": e.title, "abstract": e.abstract, "date_label": e.date_label} for e in parsed.entries]
        assert found == expected["entries"]
        assert all(e.source == source and e.collection == parsed.collection.key for e in parsed.entries)

    papers_by_title = {paper.title: paper for paper in archive.papers}
    for expected_paper in expected.get("papers", []):
        paper = papers_by_title[expected_paper["title"]]
        for field, value in expected_paper.items():
            if field == "links":
                assert [[link.url, link.kind] for link in paper.links] == value
            elif field == "appearance_lines":
                assert [a.line for a in paper.appearances] == value
            else:
                assert getattr(paper, field) == value, field

    found = [(d.severity, d.line, d.file) for d in archive.diagnostics]
    assert found == [(d["severity"], d["line"], source) for d in expected["diagnostics"]]
    for diagnostic, wanted in zip(archive.diagnostics, expected["diagnostics"]):
        assert wanted["contains"] in diagnostic.message
