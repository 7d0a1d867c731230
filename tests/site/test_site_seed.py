"""The seed archive, built once: every paper has a page, every index lists it, every link resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sitegen.config import load_config
from sitegen.ingest import load_archive
from site_helpers import broken_links, page_facts
from tests.conftest import REPO_ROOT

SEED_PAPERS = 463


@pytest.fixture(scope="module")
def seed_archive():
    return load_archive(load_config(REPO_ROOT))


def linked_papers(site: Path, pages: list[Path]) -> set[str]:
    slugs = set()
    for page in pages:
        for link in page_facts(page).links:
            match = re.search(r"papers/([^/]+)/$", link)
            if match and match.group(1) != "page":
                slugs.add(match.group(1))
    return slugs


def words(text: str) -> str:
    """The words of TEXT without URLs: a link shows its label, not always its address."""
    return " ".join(re.findall(r"\w+", re.sub(r"\S+://\S+", " ", text)))


def test_every_seed_paper_has_a_page_with_its_title_and_abstract(seed_site, seed_archive):
    assert len(seed_archive.papers) == SEED_PAPERS
    for paper in seed_archive.papers:
        page = seed_site / "papers" / paper.slug / "index.html"
        facts = page_facts(page)
        assert paper.title in facts.text
        assert words(paper.abstract_text) in words(facts.text), paper.slug
        assert facts.h1_count == 1


def test_index_pages_together_list_every_paper(seed_site, seed_archive):
    every = {paper.slug for paper in seed_archive.papers}
    all_papers_pages = [seed_site / "papers" / "index.html", *sorted(seed_site.glob("papers/page/*/index.html"))]
    assert len(all_papers_pages) == -(-SEED_PAPERS // 50)
    assert linked_papers(seed_site, all_papers_pages) == every
    assert linked_papers(seed_site, [seed_site / "a-z" / "index.html"]) == every
    collection_pages = sorted(seed_site.glob("collections/*/**/index.html"))
    assert linked_papers(seed_site, collection_pages) == every
    date_pages = sorted(seed_site.glob("dates/*/**/index.html"))
    dated = {paper.slug for paper in seed_archive.papers if any(a.date_label for a in paper.appearances)}
    assert dated and linked_papers(seed_site, date_pages) == dated
    with_code = {paper.slug for paper in seed_archive.papers if paper.has_code}
    assert with_code and linked_papers(seed_site, sorted(seed_site.glob("code/**/index.html"))) == with_code


def test_home_page_states_what_the_archive_holds(seed_site, seed_archive):
    html = (seed_site / "index.html").read_text(encoding="utf-8")
    with_code = sum(1 for paper in seed_archive.papers if paper.has_code)
    assert f"<dt>Papers</dt><dd>{SEED_PAPERS}</dd>" in html
    assert f"<dt>Collections</dt><dd>{len(seed_archive.collections)}</dd>" in html
    assert f"<dt>With code</dt><dd>{with_code}</dd>" in html
    assert "<dt>Listing dates</dt><dd>2</dd>" in html


def test_every_internal_link_and_fragment_resolves(seed_site):
    assert broken_links(seed_site) == []


def test_every_page_has_one_h1_landmarks_and_a_labelled_search_slot(seed_site):
    for page in sorted(seed_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert page_facts(page).h1_count == 1, page
        assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">"), page
        for landmark in ("<header", "<main", "<footer", '<nav class="site-nav" aria-label="Main"'):
            assert landmark in html, (page, landmark)


def test_markdown_is_published_beside_each_paper_page(seed_site, seed_archive):
    paper = seed_archive.papers[0]
    text = (seed_site / "papers" / paper.slug / "index.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["title"] == paper.title
    assert meta["slug"] == paper.slug and meta["id"] == paper.id
    assert [c["key"] for c in meta["collections"]] == list(paper.collections)
    assert body.strip() == paper.abstract_markdown.strip()
    assert "index.md" in " ".join(page_facts(seed_site / "papers" / paper.slug / "index.html").links)


def test_previous_and_next_walk_a_collection_in_listing_order(seed_site, seed_archive):
    collection = seed_archive.collections[0].key
    members = [p for p in seed_archive.papers if collection in p.collections]
    in_order = [p.slug for p in sorted(members, key=lambda p: min(
        a.line for a in p.appearances if a.collection == collection))]
    second = (seed_site / "papers" / in_order[1] / "index.html").read_text(encoding="utf-8")
    assert f'href="../../papers/{in_order[0]}/" rel="prev"' in second
    assert f'href="../../papers/{in_order[2]}/" rel="next"' in second


def test_without_base_url_there_is_no_sitemap_or_feed_but_robots_txt(seed_site):
    assert not (seed_site / "sitemap.xml").exists()
    assert not (seed_site / "feed.xml").exists()
    assert (seed_site / "robots.txt").read_text() == "User-agent: *\nAllow: /\n"
    assert (seed_site / "404.html").is_file()
