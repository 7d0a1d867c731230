"""The fast search index writer against lunr.py's Builder, the reference: same bytes, same answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lunr.index import Index

from benchmarks.synthetic import generate_project
from sitegen.config import load_config
from sitegen.documents import make_documents
from sitegen.ingest import load_archive
from sitegen.search.documents import SearchDocument, search_documents
from sitegen.search.index import analyze, assemble_index, dump_json, reference_index, serialized_index, term_pipeline
from sitegen.search.stemmer import load_index_like_lunr_js
from tests.conftest import REPO_ROOT

QUERIES = ("graph", "neural networks", "+graph -survey", "title:diffusion", "transform*", "difusion~1",
           "vision^10 robot", "collections:vision", "learning", "the", "3d", "llm", "zzzz")


def searchable(project: Path) -> tuple[SearchDocument, ...]:
    config = load_config(project)
    return search_documents(make_documents(load_archive(config), (), (), config.collection_names))


def assert_same_as_lunr(documents: tuple[SearchDocument, ...]) -> bytes:
    fast = dump_json(serialized_index(documents))
    assert fast == dump_json(reference_index(documents))
    return fast


def test_the_seed_index_is_byte_identical_to_lunr_py_and_answers_every_query_alike():
    documents = searchable(REPO_ROOT)
    fast = assert_same_as_lunr(documents)
    loaded = load_index_like_lunr_js(fast.decode("utf-8"))
    reference = load_index_like_lunr_js(reference_index(documents))
    for query in QUERIES:
        assert loaded.search(query) == reference.search(query), query
    assert loaded.search("graph"), "the seeds mention graphs; an empty answer means an empty index"


def test_a_synthetic_archive_index_is_byte_identical_to_lunr_py(tmp_path):
    generate_project(tmp_path / "synthetic", 700)
    assert_same_as_lunr(searchable(tmp_path / "synthetic"))


# Words lunr treats specially: stop words, hyphens and non-breaking spaces (separators),
# punctuation the trimmer strips, letters whose lower case is longer (İ), and characters past
# U+FFFF (term order in UTF-16).
_WORDS = st.sampled_from(["the", "of", "graph", "graphs", "Graph-based", "net\u00a0work", "(LLM)", "“quoted”",
                          "İstanbul", "ﬁne", "𝑥-ray", "e.g.", "...", "a/b", "running", "ran", "3D", "x", "—"])
_TEXT = st.lists(_WORDS, max_size=12).map(" ".join)
_DOCUMENT = st.builds(
    lambda title, abstract, collections, tags: (title, abstract, tuple(collections), tuple(tags)),
    _TEXT, _TEXT, st.lists(_TEXT, max_size=2), st.lists(_TEXT, max_size=2),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_DOCUMENT, min_size=1, max_size=6))
def test_any_small_corpus_is_byte_identical_to_lunr_py(fields):
    documents = tuple(
        SearchDocument(ref=f"p{number:03d}", title=title, abstract=abstract, collections=collections,
                       tags=tags, url=f"papers/p{number}/", has_code=False)
        for number, (title, abstract, collections, tags) in enumerate(fields)
    )
    assert_same_as_lunr(documents)


def test_an_empty_archive_gives_an_index_lunr_can_load_that_finds_nothing():
    index = Index.load(dump_json(serialized_index(())).decode("utf-8"))
    assert index.search("anything") == []


def test_analyses_kept_from_an_earlier_build_give_the_same_index():
    # An incremental build reuses per-paper analyses; mixing old and new ones must change nothing.
    documents = searchable(REPO_ROOT)[:60]
    pipeline = term_pipeline()
    kept = {document: analyze(document, pipeline) for document in documents}
    edited = documents[:10] + (
        SearchDocument(ref=documents[10].ref, title="A brand new title about graphs", abstract="Graphs, again.",
                       collections=("Vision",), tags=(), url=documents[10].url, has_code=False),
    ) + documents[11:]
    fresh_pipeline = term_pipeline()
    reused = tuple(kept.get(document) or analyze(document, fresh_pipeline) for document in edited)
    assert dump_json(assemble_index(reused)) == dump_json(reference_index(edited))


@pytest.mark.parametrize("text", ["", "   ", "the of and"])
def test_fields_with_no_terms_are_indexed_as_lunr_does(text):
    documents = (
        SearchDocument("p1", "Graph nets", text, (), (), "papers/a/", False),
        SearchDocument("p2", text or "x", "", (), (), "papers/b/", False),
    )
    assert_same_as_lunr(documents)
