"""What a sharded site writes: the pieces, the manifest the browser reads, and when it shards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.config import load_config
from sitegen.documents import make_documents
from sitegen.ingest import load_archive
from sitegen.search import build_search_files
from sitegen.search.documents import search_documents
from sitegen.search.index import serialized_index
from sitegen.search.shards import ShardLayout, sharded_search_files
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def seed_documents():
    config = load_config(REPO_ROOT)
    return make_documents(load_archive(config), (), (), config.collection_names)


def manifest_of(files: dict[str, bytes]) -> dict:
    return json.loads(files["search/manifest.json"])


def test_a_project_above_its_threshold_gets_a_sharded_index(seed_project: Path):
    with (seed_project / "sitegen.toml").open("a", encoding="utf-8") as config:
        config.write("\n[search]\nshard_threshold = 100\n")
    site = build(seed_project).out_dir
    manifest = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "lunr-sharded" and manifest["papers"] == 463
    assert not (site / "search" / "lunr-index.json").exists()
    assert len(list((site / "search" / "postings").glob("*.json"))) == len(manifest["postings"]) > 1
    assert (site / "static" / "search" / "sharded.js").is_file()


def test_below_the_threshold_the_site_keeps_one_index(seed_documents):
    files = build_search_files(seed_documents, shard_threshold=463)
    assert manifest_of(files)["format"] == "lunr-single"
    assert not any("/postings/" in name for name in files)


def test_every_term_is_in_the_posting_file_the_manifest_points_to(seed_documents):
    searchable = search_documents(seed_documents)
    index = serialized_index(searchable)
    files = sharded_search_files(index, searchable, "search", ShardLayout(postings_bytes=2000, terms_bytes=300))
    manifest = manifest_of(files)
    firsts = manifest["postings"]
    assert firsts == sorted(firsts)
    seen = []
    for number, first in enumerate(firsts):
        terms = json.loads(files[f"search/postings/{number}.json"])["terms"]
        assert terms[0] == first
        seen += terms
    assert seen == sorted(term for term, _ in index["invertedIndex"])
    listed = [term for number in range(len(manifest["terms"]))
              for term in json.loads(files[f"search/terms/{number}.json"])]
    assert listed == seen


def test_each_paper_shows_its_own_result_data(seed_documents):
    searchable = search_documents(seed_documents)
    files = sharded_search_files(serialized_index(searchable), searchable, "search")
    manifest = manifest_of(files)
    names = manifest["documents"]["collections"]
    for number, document in enumerate(searchable):
        per_file = manifest["documents"]["per_file"]
        data = json.loads(files[f"search/docs/{number // per_file}.json"])[number % per_file]
        assert data[0] == document.ref and data[1] == document.title and data[2] == document.url
        assert [names[n] for n in data[3]] == list(document.collections)
        assert data[4] == int(document.has_code) and data[5] == document.abstract


def test_the_same_papers_give_the_same_bytes_and_a_change_a_new_version(seed_documents):
    searchable = search_documents(seed_documents)
    index = serialized_index(searchable)
    first = sharded_search_files(index, searchable, "search")
    assert sharded_search_files(index, searchable, "search") == first
    fewer = searchable[1:]
    changed = sharded_search_files(serialized_index(fewer), fewer, "search")
    assert manifest_of(changed)["version"] != manifest_of(first)["version"]
