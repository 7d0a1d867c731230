"""The sharded index's postings made straight from the papers equal those read out of a lunr index."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import generate_project
from sitegen.build import build
from sitegen.build_cache import BuildCache
from sitegen.config import load_config
from sitegen.documents import make_documents
from sitegen.ingest import load_archive
from sitegen.search import build_search_files
from sitegen.search.documents import SearchDocument, search_documents
from sitegen.search.index import analyze, assemble_index, serialized_index, term_pipeline
from sitegen.search.postings import (count_terms, counted, postings_from_analyses, postings_of_documents,
                                     thousandths)
from sitegen.search.shards import postings_by_term, sharded_search_files
from tests.conftest import REPO_ROOT
from tests.perf.perf_helpers import Project, snapshot


def searchable(project: Path) -> tuple[SearchDocument, ...]:
    config = load_config(project)
    return search_documents(make_documents(load_archive(config), (), (), config.collection_names))


def assert_same_postings_as_lunr_index(documents: tuple[SearchDocument, ...]) -> None:
    pipeline = term_pipeline()
    analyzed = [analyze(document, pipeline) for document in documents]
    expected = list(postings_by_term(assemble_index(tuple(analyzed)), [document.ref for document in documents]))
    assert postings_from_analyses(analyzed) == expected
    assert postings_of_documents(documents) == expected


def test_the_seed_postings_equal_those_of_the_lunr_index():
    documents = searchable(REPO_ROOT)
    assert_same_postings_as_lunr_index(documents)
    assert len(postings_of_documents(documents)) > 3000, "the seeds have thousands of terms"


def test_a_synthetic_archive_has_the_postings_of_its_lunr_index(tmp_path):
    generate_project(tmp_path / "synthetic", 700)
    assert_same_postings_as_lunr_index(searchable(tmp_path / "synthetic"))


def test_the_sharded_files_are_byte_identical_to_those_made_through_a_lunr_index():
    config = load_config(REPO_ROOT)
    documents = make_documents(load_archive(config), (), (), config.collection_names)
    papers = search_documents(documents)
    assert build_search_files(documents, shard_threshold=100) == sharded_search_files(
        serialized_index(papers), papers, "search")


# Separators in a row (empty words), stop words, punctuation the trimmer strips, words whose
# lower case is longer (İ), characters past U+FFFF (UTF-16 term order), a term in several fields.
_WORDS = st.sampled_from(["the", "of", "graph", "graphs", "Graph-based", "net\u00a0work", "a--b", "x\t\ty",
                          "(LLM)", "“quoted”", "İstanbul", "ﬁne", "𝑥-ray", "\U0001f600", "e.g.", "...", "a/b",
                          "running", "ran", "3D", "x", "—", "-", "\u00a0", ""])
_TEXT = st.lists(_WORDS, max_size=12).map(" ".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TEXT, _TEXT, st.lists(_TEXT, max_size=2), st.lists(_TEXT, max_size=2)),
                min_size=1, max_size=7))
def test_any_small_corpus_has_the_postings_of_its_lunr_index(fields):
    documents = tuple(
        SearchDocument(ref=f"p{number:03d}", title=title, abstract=abstract, collections=tuple(collections),
                       tags=tuple(tags), url=f"papers/p{number}/", has_code=False)
        for number, (title, abstract, collections, tags) in enumerate(fields)
    )
    assert_same_postings_as_lunr_index(documents)
    pipeline = term_pipeline()
    for document in documents:
        # Positions aside, counting terms reads a paper exactly as analyze does.
        expected = counted(analyze(document, pipeline))
        actual = count_terms(document, pipeline)
        for (length, terms, counts), (expected_length, expected_terms, expected_counts) in zip(actual, expected):
            assert length == expected_length
            assert dict(zip(terms, counts)) == dict(zip(expected_terms, expected_counts))


def test_no_papers_or_no_words_give_no_postings():
    assert postings_of_documents(()) == []
    silent = SearchDocument("p1", "the of", "", (), (), "papers/a/", False)
    assert postings_of_documents((silent,)) == [] == postings_from_analyses([analyze(silent, term_pipeline())])


def sharded(project: Project, threshold: int) -> None:
    config = project.root / "sitegen.toml"
    text = config.read_text(encoding="utf-8").split("\n[search]")[0]
    config.write_text(f"{text}\n[search]\nshard_threshold = {threshold}\n", encoding="utf-8")


def test_a_sharded_site_rebuilt_through_the_cache_after_each_edit_equals_a_clean_build(tmp_path):
    project = Project(tmp_path / "project")
    sharded(project, 10)
    cache = BuildCache()
    build(project.root, incremental=True, cache=cache)
    edits = {
        "abstract": lambda entries: (*entries[:2], replace(entries[2], abstract=entries[2].abstract
                                                           + " Zygomorphic quokkas, again."), *entries[3:]),
        "new paper": lambda entries: (*entries, replace(entries[0], title="Sheaf Laplacians for Quokkas",
                                                        abstract="A wholly new paper.")),
        "removed paper": lambda entries: entries[:4] + entries[5:],
        "renamed paper": lambda entries: (entries[0], replace(entries[1], title=entries[1].title + " Revisited"),
                                          *entries[2:]),
    }
    for name, edit in edits.items():
        project.change_a_listing(edit)
        build(project.root, incremental=True, cache=cache)
        clean = tmp_path / f"clean-{name.replace(' ', '-')}"
        build(project.root, out_dir=clean)
        site = snapshot(project.root / "site")
        assert site == snapshot(clean), f"after the edit: {name}"
        assert any(path.startswith("search/postings/") for path in site)
    # Across the threshold and back: the cache keeps both kinds of analysis apart.
    for threshold in (1000, 10):
        sharded(project, threshold)
        build(project.root, incremental=True, cache=cache)
        clean = tmp_path / f"clean-threshold-{threshold}"
        build(project.root, out_dir=clean)
        assert snapshot(project.root / "site") == snapshot(clean), f"with the threshold at {threshold}"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=400, allow_nan=False) | st.sampled_from(
    # Halfway in decimal but not in binary (0.0005 is a hair above, 0.1235 a hair below) and
    # an exact binary tie (2.0625): a plain rint(x * 1000) gets the first two wrong.
    [0.0005, 0.1235, 12.3455, 2.0625, 0.0015, 1e-9]), max_size=40))
def test_weights_are_scaled_to_thousandths_exactly_as_lunr_rounds_them(values):
    expected = [round(round(value, 3) * 1000) for value in values]
    assert thousandths(np.array(values, dtype=float)).tolist() == expected
