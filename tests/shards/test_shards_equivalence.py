"""A sharded index answers every kind of Lunr query exactly as one lunr.py index does."""

from __future__ import annotations

import json
import math

import pytest
from lunr.index import Index
from lunr.query import QueryPresence
from lunr.query_parser import QueryParser

from sitegen.config import load_config
from sitegen.documents import make_documents
from sitegen.ingest import load_archive
from sitegen.search.documents import search_documents
from sitegen.search.index import serialized_index
from sitegen.search.shards import ShardLayout, sharded_search_files
from sitegen.search.stemmer import load_index_like_lunr_js
from tests.conftest import REPO_ROOT
from tests.shards.shards_reference import ShardedReader

# Small pieces, so the seed archive spreads over many files and every query crosses files.
SMALL_LAYOUT = ShardLayout(postings_bytes=3000, terms_bytes=400, papers_per_docs_file=5)

QUERIES = (
    "diffusion",
    "graph neural networks",
    "large language models reasoning",
    "title:diffusion",
    "abstract:transformer video",
    "title:vision^3 robot",
    "vision^10 robot",
    "transform*",
    "*former",
    "gr*ph",
    "+graph +neural -survey",
    "+language -model",
    "+title:language +abstract:agent",
    "+nonexistentwordxyz graph",
    "-survey",
    "-survey -benchmark",
    "difusion~1",
    "trasnformer~1",
    "lagnuage~2 model",
    "collections:trending",
    "zzzzqqqq",
    "the",
    "image* +video",
)


@pytest.fixture(scope="module")
def seed_index():
    config = load_config(REPO_ROOT)
    documents = make_documents(load_archive(config), (), (), config.collection_names)
    searchable = search_documents(documents)
    serialized = serialized_index(searchable)
    files = sharded_search_files(serialized, searchable, "search", SMALL_LAYOUT)
    return load_index_like_lunr_js(serialized), files


def lunr_results(index: Index, text: str, typed_prefix: bool = False) -> list[tuple[str, float]]:
    def fill(query):
        QueryParser(text, query).parse()
        if typed_prefix:
            add_typed_prefix(query)
    return [(hit["ref"], hit["score"]) for hit in index.query(callback=fill)]


def add_typed_prefix(query) -> None:
    """The optional prefix clause search.js adds for a last word still being typed."""
    last = query.clauses[-1]
    query.clause(last.term, fields=last.fields, boost=last.boost / 2, use_pipeline=False,
                 wildcard=query.WILDCARD_TRAILING, presence=QueryPresence.OPTIONAL)


def assert_same_ranking(expected: list[tuple[str, float]], actual: list[tuple[str, float]]) -> None:
    """Same papers, same scores and the same order, where papers with equal scores may swap."""
    assert len(actual) == len(expected)
    for (_, want), (_, got) in zip(expected, actual):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    assert dict(actual) == pytest.approx(dict(expected), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("text", QUERIES)
def test_shards_rank_like_one_lunr_index(seed_index, text):
    index, files = seed_index
    expected = lunr_results(index, text)
    actual = ShardedReader(files).search(text)
    assert_same_ranking(expected, actual)


@pytest.mark.parametrize("text", ["diffusion mod", "graph neu", "title:lang"])
def test_shards_rank_like_one_lunr_index_while_typing(seed_index, text):
    index, files = seed_index
    reader = ShardedReader(files)
    query = reader.new_query()
    QueryParser(text, query).parse()
    add_typed_prefix(query)
    assert_same_ranking(lunr_results(index, text, typed_prefix=True), reader.query(query))


def test_queries_find_papers_so_the_comparison_means_something(seed_index):
    index, _ = seed_index
    found = {text: len(lunr_results(index, text)) for text in QUERIES}
    assert found["diffusion"] > 5 and found["transform*"] > 5 and found["difusion~1"] > 5
    assert found["+graph +neural -survey"] > 0 and found["-survey"] > 400
    assert found["zzzzqqqq"] == 0 and found["+nonexistentwordxyz graph"] == 0


def test_a_term_query_reads_only_the_files_its_terms_are_in(seed_index):
    _, files = seed_index
    reader = ShardedReader(files)
    reader.search("diffusion")
    postings = [name for name in files if name.startswith("search/postings/")]
    assert len(postings) > 20
    assert len(reader.fetched) == 1 and next(iter(reader.fetched)).startswith("postings/")


def test_a_wildcard_reads_term_lists_only_around_its_prefix(seed_index):
    _, files = seed_index
    reader = ShardedReader(files)
    reader.search("transform*")
    term_lists = [name for name in files if name.startswith("search/terms/")]
    read_lists = [name for name in reader.fetched if name.startswith("terms/")]
    assert len(term_lists) > 5 and 1 <= len(read_lists) <= 2


def test_weights_survive_the_split_exactly(seed_index):
    index, files = seed_index
    manifest = json.loads(files["search/manifest.json"])
    reader = ShardedReader(files)
    reader.search("diffusion")
    docs, weights = reader.postings["diffus"][manifest["fields"].index("title")]
    ref = reader.paper_id(docs[0])
    vector = index.field_vectors[f"title/{ref}"]
    term_index = index.inverted_index["diffus"]["_index"]
    assert weights[0] == dict(zip(vector.elements[0::2], vector.elements[1::2]))[term_index]
