"""Hostile titles and abstracts show as text everywhere and run nothing."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitegen.build import build
from site_helpers import make_project, page_facts

SCRIPT_TITLE = "<script>alert(1)</script> Attack {{ 7*7 }} on Titles"
BREAKOUT_TITLE = "Breaking </script><script>alert(2)</script> out of JSON-LD"
HOSTILE_ABSTRACT = (
    "An abstract with <img src=x onerror=alert(1)> and [click me](javascript:alert(1)) and "
    "<a href=\"javascript:alert(3)\">a link</a> plus {% raw %}{{ config }}{% endraw %} in it. "
    "It says enough to be an abstract, with several sentences of ordinary text."
)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile") / "project", {"000_hostile": [
        (SCRIPT_TITLE, HOSTILE_ABSTRACT),
        (BREAKOUT_TITLE, "Second abstract </script><script>alert(3)</script> with more ordinary words in it."),
    ]}, config='title = "<b>Hostile</b> archive"\nbase_url = "https://example.org/x/"\n')
    return build(project).out_dir


def test_no_page_gains_a_script_or_event_handler(hostile_site):
    for page in sorted(hostile_site.rglob("*.html")):
        facts = page_facts(page)
        assert facts.event_handlers == [], page
        for attributes, body in facts.scripts:
            assert attributes.get("type") == "application/ld+json" or "src" in attributes, (page, body)
        for link in facts.links:
            assert not link.strip().lower().startswith(("javascript:", "data:")), (page, link)


def test_hostile_titles_show_as_text_on_every_page_that_lists_them(hostile_site):
    pages = [hostile_site / "index.html", hostile_site / "papers" / "index.html",
             hostile_site / "a-z" / "index.html", *hostile_site.glob("collections/*/index.html")]
    for page in pages:
        text = page_facts(page).text
        assert SCRIPT_TITLE in text, page
        assert BREAKOUT_TITLE in text, page
        assert "49" not in text, "template syntax in data must never be evaluated"


def test_hostile_abstract_is_shown_literally_on_the_paper_page(hostile_site):
    page = next(p for p in hostile_site.glob("papers/*/index.html") if "attack" in p.parent.name)
    facts = page_facts(page)
    assert SCRIPT_TITLE in facts.text
    assert "<img src=x onerror=alert(1)>" in facts.text
    assert "{{ config }}" in facts.text
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;" in page.read_text(encoding="utf-8")


def test_json_ld_cannot_be_broken_out_of_and_round_trips(hostile_site):
    page = next(p for p in hostile_site.glob("papers/*/index.html") if "breaking" in p.parent.name)
    html = page.read_text(encoding="utf-8")
    scripts = [s for s in page_facts(page).scripts if s[0].get("type") == "application/ld+json"]
    assert len(scripts) == 1
    attributes, body = scripts[0]
    assert "</script" not in body.lower() and "<" not in body
    data = json.loads(body)
    assert data["@type"] == "ScholarlyArticle"
    assert data["name"] == BREAKOUT_TITLE
    assert data["url"] == f"https://example.org/x/papers/{page.parent.name}/"
    assert html.count("</script>") == len(page_facts(page).scripts)


def test_feed_and_sitemap_escape_hostile_text(hostile_site):
    feed = ET.parse(hostile_site / "feed.xml").getroot()
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    assert feed.find("atom:title", ns).text == "<b>Hostile</b> archive"
    titles = {entry.find("atom:title", ns).text for entry in feed.findall("atom:entry", ns)}
    assert titles == {SCRIPT_TITLE, BREAKOUT_TITLE}
    ET.parse(hostile_site / "sitemap.xml")
