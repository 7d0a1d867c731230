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

# Small pieces, so the seed archive spreads over many files and every query crosses files, and
# small heads, so every word in more than 8 papers comes in tiers.
SMALL_LAYOUT = ShardLayout(postings_bytes=3000, terms_bytes=400, papers_per_docs_file=5, head_papers=4, tier_growth=2,
                           prefix_tiers=3,  # prefix lists keep 60 papers: the seeds reach past them
                           head_vectors_min_papers=0)

QUERIES = (
    "diffusion",
    "graph neural networks",
    "large language models reasoning",
    "learning model representation",
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
    read_postings = [name for name in reader.fetched if name.startswith("postings/")]
    read_tiers = {name for name in reader.fetched if name.startswith("tiers/")}
    assert len(read_postings) == 1 and read_tiers | set(read_postings) == reader.fetched
    assert len(read_tiers) == len(reader.tiers["diffus"].rest)  # ranking every match needs them all


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
    assert "diffus" in reader.tiers  # read back from its head and every tier
    title = reader.postings["diffus"][manifest["fields"].index("title")]
    assert len(title) == len(index.inverted_index["diffus"]["title"])
    term_index = index.inverted_index["diffus"]["_index"]
    for doc, weight in title.items():
        vector = index.field_vectors[f"title/{reader.paper_id(doc)}"]
        assert weight / manifest["weight_scale"] == dict(zip(vector.elements[0::2], vector.elements[1::2]))[term_index]


# Top-K: what the header box asks for. Plain queries rank from the heads and as many tiers or
# paper vectors as the K need; the others fall back to ranking every match.
PLAIN_QUERIES = tuple(text for text in QUERIES if not any(mark in text for mark in "+-:~"))


def assert_same_top(expected: list[tuple[str, float]], top, k: int) -> None:
    """The K shown are lunr's K best in lunr's order: at every place, a paper with lunr's score there."""
    lunr_score = dict(expected)
    assert len(top.hits) == min(k, len(expected))
    for place, (ref, _) in enumerate(top.hits):
        assert math.isclose(lunr_score[ref], expected[place][1], rel_tol=1e-9, abs_tol=1e-12)
    assert top.at_least <= len(expected)
    assert top.at_least == len(expected) or not top.complete


@pytest.mark.parametrize("k", [1, 8, 30])
@pytest.mark.parametrize("text", QUERIES)
def test_top_k_from_tiers_is_lunrs_top_k(seed_index, text, k):
    index, files = seed_index
    reader = ShardedReader(files)
    query = reader.new_query()
    QueryParser(text, query).parse()
    assert_same_top(lunr_results(index, text), reader.top(query, k), k)


@pytest.mark.parametrize("text", ["diffusion mod", "graph neu", "language model", "video gen", "learn"])
def test_top_k_while_typing_is_lunrs_top_k(seed_index, text):
    index, files = seed_index
    reader = ShardedReader(files)
    for end in range(1, len(text) + 1):  # one reader, as one page answers every keystroke
        query = reader.new_query()
        QueryParser(text[:end], query).parse()
        if query.clauses[-1].term:
            add_typed_prefix(query)
        assert_same_top(lunr_results(index, text[:end], typed_prefix=True), reader.top(query, 8), 8)


def test_a_common_words_tiers_are_not_fetched_for_the_best_few(seed_index):
    index, _ = seed_index
    config = load_config(REPO_ROOT)
    searchable = search_documents(make_documents(load_archive(config), (), (), config.collection_names))
    files = sharded_search_files(serialized_index(searchable), searchable, "search")  # as a site has them
    reader = ShardedReader(files)
    query = reader.new_query()
    QueryParser("learning", query).parse()
    top = reader.top(query, 8)  # what the header box shows
    assert reader.tiers["learn"].papers > 100 and len(reader.tiers["learn"].rest) >= 1
    assert not any(name.startswith(("tiers/", "vectors/")) for name in reader.fetched)
    assert not top.complete and top.at_least == reader.tiers["learn"].papers == len(lunr_results(index, "learning"))


def test_several_common_words_settle_their_top_k_before_loading_everything(seed_index):
    _, files = seed_index
    reader = ShardedReader(files)
    query = reader.new_query()
    QueryParser("learning model representation", query).parse()
    top = reader.top(query, 8)
    tiers = [name for name in files if name.startswith("search/tiers/")]
    fetched = [name for name in reader.fetched if name.startswith("tiers/")]
    assert not top.complete
    assert len(fetched) < sum(len(reader.tiers[term].rest) for term in ("learn", "model", "represent"))
    assert len(tiers) > 100


@pytest.mark.parametrize("text", ["graph neu", "diffusion mod", "lang", "video gen"])
def test_a_typed_prefix_reads_one_prefix_list_not_every_word_it_starts(seed_index, text):
    index, files = seed_index
    reader = ShardedReader(files)
    query = reader.new_query()
    QueryParser(text, query).parse()
    add_typed_prefix(query)
    top = reader.top(query, 8)
    assert_same_top(lunr_results(index, text, typed_prefix=True), top, 8)
    assert any(name.startswith("prefixes/") for name in reader.fetched)
    assert not any(name.startswith("terms/") for name in reader.fetched)  # no word list to expand it
    assert any(key.startswith(" " + text.split()[-1]) for key in reader.prefix_ranges)


@pytest.mark.parametrize("text", ["language model", "data gen"])
def test_papers_a_prefix_list_leaves_out_are_settled_by_their_vectors(seed_index, text):
    index, files = seed_index
    reader = ShardedReader(files)
    query = reader.new_query()
    QueryParser(text, query).parse()
    add_typed_prefix(query)
    top = reader.top(query, 30)  # deeper than SMALL_LAYOUT's prefix lists reach for these
    assert_same_top(lunr_results(index, text, typed_prefix=True), top, 30)
    assert not reader.fell_back and any(name.startswith("vectors/") for name in reader.fetched)


@pytest.mark.parametrize("text", ["model gen", "con"])
def test_past_a_prefix_lists_stored_papers_the_prefix_is_expanded_word_by_word(seed_index, text):
    index, files = seed_index
    reader = ShardedReader(files)
    query = reader.new_query()
    QueryParser(text, query).parse()
    add_typed_prefix(query)
    top = reader.top(query, 100)  # more papers than SMALL_LAYOUT's prefix lists keep (60)
    assert reader.fell_back
    assert_same_top(lunr_results(index, text, typed_prefix=True), top, 100)


def test_vectors_chosen_over_tiers_where_cheaper_keep_the_top_exact(seed_index, monkeypatch):
    # Priced beyond any tier, vectors settle only what no tier can; priced at one paper of a
    # tier, every choice between them goes to vectors: both keep the best 30 exact.
    index, files = seed_index
    texts = ["language model", "graph neural net", "video gen", "large language models"]

    def tiers_read(text: str) -> int:
        reader = ShardedReader(files)
        query = reader.new_query()
        QueryParser(text, query).parse()
        add_typed_prefix(query)
        top = reader.top(query, 30)
        assert_same_top(lunr_results(index, text, typed_prefix=True), top, 30)
        return sum(name.startswith("tiers/") for name in reader.fetched)

    monkeypatch.setattr("tests.shards.shards_reference.VECTOR_COSTS", 10**9)
    tiers_only = [tiers_read(text) for text in texts]
    monkeypatch.setattr("tests.shards.shards_reference.VECTOR_COSTS", 1)
    with_vectors = [tiers_read(text) for text in texts]
    assert all(cheap <= dear for cheap, dear in zip(with_vectors, tiers_only)) and sum(with_vectors) < sum(tiers_only)
