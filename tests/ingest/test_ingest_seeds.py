"""The real seed listings: the facts the archive must reproduce, and robustness against damage."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from sitegen.config import load_config
from sitegen.ingest import build_archive, load_archive, parse_listing, read_listings
from sitegen.model import RawListing
from tests.conftest import REPO_ROOT, SEED_LISTINGS


@pytest.fixture(scope="module")
def archive():
    return load_archive(load_config(REPO_ROOT))


def test_seed_facts(archive):
    assert archive.entry_count == 535
    assert len(archive.papers) == 463
    assert archive.duplicates_merged == 72
    assert Counter(len(p.collections) for p in archive.papers) == {1: 410, 2: 37, 3: 13, 4: 3}
    assert archive.diagnostics == ()


def test_seed_collections_use_the_configured_names(archive):
    names = {c.key: (c.name, c.date_label) for c in archive.collections}
    assert names["002_e12fe880368f1c2e"] == ("Trending, daily digest", None)
    assert names["004_ebfe8ea17b7adf1a"] == ("Trending, Mar 11", "Mar 11")
    assert len(names) == 5


def test_seed_papers_are_clean(archive):
    slugs = [p.slug for p in archive.papers]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) and len(s) <= 80 for s in slugs)
    assert [p.id for p in archive.papers] == sorted(p.id for p in archive.papers)
    for paper in archive.papers:
        assert not paper.title.startswith("Subscribe")
        assert "\\" not in paper.abstract_text, paper.title
        assert paper.abstract_text and paper.abstract_markdown
    by_title = {p.title: p for p in archive.papers}
    assert "Contrastive Learning for Unpaired Image-to-Image Translation" in by_title
    assert "S^2IP-LLM: Semantic Space Informed Prompt Learning with LLM for Time Series Forecasting" in by_title


def test_seed_links(archive):
    links = {link.url: link.kind for p in archive.papers for link in p.links}
    assert links["https://github.com/Zood123/COMET"] == "code"
    assert links["https://github.com/yitu-opensource/T2T-ViT"] == "code"
    assert links["https://github.com/AVC2-UESTC/CRAFT-SR"] == "code"
    assert links["https://huggingface.co/datasets/m-a-p/II-Bench"] == "dataset"
    assert links["https://sage-diffusion.github.io/"] == "project"
    assert not any(url.endswith((".", ",", ")", ".git")) or "{" in url for url in links)
    assert sum(p.has_code for p in archive.papers) > 90


def test_seed_archive_is_deterministic(archive):
    assert load_archive(load_config(REPO_ROOT)) == archive


def _seed_raw(name: str) -> RawListing:
    return RawListing(f"content/listings/{name}", (SEED_LISTINGS / name).read_bytes())


@pytest.mark.parametrize("name", ["000_6224a8af48f65b83.txt", "002_e12fe880368f1c2e.txt"])
def test_a_missing_abstract_anywhere_costs_nothing_but_a_warning(name):
    """Delete each abstract in turn: every title is still found, with the right abstracts."""
    raw = _seed_raw(name)
    full = parse_listing(raw, {})
    lines = raw.data.decode("utf-8").split("\n")
    for entry in full.entries[:-1:5]:
        number = entry.line + 1 + (lines[entry.line] == "")
        assert lines[number - 1] == entry.abstract
        damaged = lines[: number - 1] + [""] + lines[number:]
        parsed = parse_listing(RawListing(raw.source, "\n".join(damaged).encode()), {})
        assert [e.title for e in parsed.entries] == [e.title for e in full.entries]
        assert sum(e.abstract == "" for e in parsed.entries) == 1
        assert [(d.severity, "has no abstract" in d.message) for d in parsed.diagnostics] == [("warning", True)]


def test_listings_are_read_in_file_name_order(seed_project):
    raw, problems = read_listings(load_config(seed_project))
    assert [r.source for r in raw] == sorted(f"content/listings/{p.name}" for p in SEED_LISTINGS.glob("*.txt"))
    assert problems == ()
    assert build_archive([parse_listing(r, {}) for r in raw]).entry_count == 535
