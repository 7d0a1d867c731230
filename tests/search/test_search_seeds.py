"""Known queries against the index built from the seed listings, answered by lunr.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sitegen.search.stemmer import load_index_like_lunr_js

FLOWER_PETALS = "Higher-order Graph Convolutional Network with Flower-Petals Laplacians on Simplicial Complexes"
SHEAF = "Sheaf Neural Networks for Graph-based Recommender Systems"
MOTION = "Machine Learning Modeling for Multi-order Human Visual Motion Processing"


@pytest.fixture(scope="module")
def seed_search(seed_site: Path):
    index = load_index_like_lunr_js((seed_site / "search" / "lunr-index.json").read_text(encoding="utf-8"))
    store = json.loads((seed_site / "search" / "documents.json").read_text(encoding="utf-8"))

    def titles(query: str) -> list[str]:
        return [store[hit["ref"]]["title"] for hit in index.search(query)]

    return titles, store


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def test_a_rare_word_finds_exactly_the_papers_using_it(seed_search):
    titles, _ = seed_search
    found = titles("laplacians")
    assert found[0] == FLOWER_PETALS  # in its title, the others only in their abstracts
    assert len(found) == 3 and SHEAF in found
    assert titles("sheaf") == [SHEAF]


def test_required_and_excluded_words(seed_search):
    titles, store = seed_search
    assert titles("+optical +flow") == [MOTION]
    by_title = {doc["title"]: doc for doc in store.values()}
    found = titles("+graph -neural")
    assert found
    for title in found:
        text = by_title[title]["title"] + " " + by_title[title]["abstract"]
        assert "neural" not in words(text)
        assert words(text) & {"graph", "graphs"}


def test_field_scoping_searches_one_field_only(seed_search):
    titles, _ = seed_search
    found = titles("title:graph")
    assert FLOWER_PETALS in found and SHEAF in found
    assert all(words(title) & {"graph", "graphs"} for title in found)
    assert titles("title:laplacians") == [FLOWER_PETALS]


def test_collection_names_fuzzy_and_wildcard_queries(seed_search):
    titles, store = seed_search
    daily = titles("collections:daily")
    by_title = {doc["title"]: doc for doc in store.values()}
    assert daily and all("Trending, daily digest" in by_title[title]["collections"] for title in daily)
    assert titles("sheef") == []
    assert SHEAF in titles("sheef~1")
    assert FLOWER_PETALS in titles("simplici*")


def test_every_seed_paper_is_searchable_and_links_to_its_page(seed_site: Path, seed_search):
    _, store = seed_search
    assert len(store) == 463
    manifest = json.loads((seed_site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["papers"] == 463
    missing = [doc["url"] for doc in store.values() if not (seed_site / doc["url"] / "index.html").is_file()]
    assert missing == []
