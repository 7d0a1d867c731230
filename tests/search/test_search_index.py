"""The search files a build writes: the Lunr index answers queries, the store shows results."""

from __future__ import annotations

import json
import random

import pytest
from lunr.builder import Builder
from lunr.index import Index
from lunr.stop_word_filter import stop_word_filter
from lunr.trimmer import trimmer

from sitegen.documents import SourceFile, make_documents
from sitegen.model import Appearance, Archive, Collection, Link, Paper
from sitegen.search import build_search_files
from sitegen.search.documents import search_documents
from sitegen.search.index import FIELDS, TITLE_BOOST, build_index
from sitegen.search.stemmer import load_index_like_lunr_js, stemmer

VISION = Collection("vision", "Vision, March", "content/listings/vision.txt", "Mar 12")
ROBOTS = Collection("robots", "Robotics digest", "content/listings/robots.txt", None)


def paper(pid: str, title: str, abstract: str = "", collections=("vision",), code=False, tags=()) -> Paper:
    return Paper(
        id=pid,
        slug=f"slug-{pid}",
        title=title,
        abstract_markdown=abstract,
        abstract_text=abstract,
        links=(Link("https://github.com/a/b", "code"),) if code else (),
        appearances=tuple(
            Appearance(key, f"content/listings/{key}.txt", line, None)
            for line, key in enumerate(collections, start=1)
        ),
        tags=tuple(tags),
    )


def search_files(papers, overrides=()) -> dict[str, bytes]:
    archive = Archive(
        collections=(ROBOTS, VISION),
        papers=tuple(sorted(papers, key=lambda p: p.id)),
        entry_count=len(papers),
        duplicates_merged=0,
    )
    documents = make_documents(archive, tuple(overrides), (), {})
    return build_search_files(documents)


def load_index(files: dict[str, bytes]) -> Index:
    return load_index_like_lunr_js(files["search/lunr-index.json"].decode("utf-8"))


def refs(index: Index, query: str) -> list[str]:
    return [hit["ref"] for hit in index.search(query)]


PAPERS = (
    paper("p1", "Graph networks for molecules", "We predict chemistry with message passing."),
    paper("p2", "Vision transformers at scale", "Attention over image patches; a graph appears once.",
          collections=("vision", "robots"), code=True),
    paper("p3", "Robot grasping from pixels", "Grasping policies learned from camera images.",
          collections=("robots",), tags=("manipulation",)),
)


def test_a_title_match_outranks_a_mention_in_the_abstract():
    index = load_index(search_files(PAPERS))
    assert refs(index, "graph") == ["p1", "p2"]


def test_lunr_query_syntax_works_on_the_built_index():
    index = load_index(search_files(PAPERS))
    assert refs(index, "title:graph") == ["p1"]
    assert refs(index, "abstract:graph") == ["p2"]
    assert refs(index, "+graph -molecules") == ["p2"]
    assert refs(index, "transf*") == ["p2"]
    assert refs(index, "grasbing~1") == ["p3"]


def test_collection_names_and_tags_are_searchable():
    index = load_index(search_files(PAPERS))
    assert sorted(refs(index, "collections:robotics")) == ["p2", "p3"]
    assert sorted(refs(index, "collections:march")) == ["p1", "p2"]
    assert refs(index, "tags:manipulation") == ["p3"]


def test_matches_carry_the_positions_snippets_are_cut_from():
    files = search_files(PAPERS)
    store = json.loads(files["search/documents.json"])
    [hit] = load_index(files).search("chemistry")
    positions = hit["match_data"].metadata["chemistri"]["abstract"]["position"]
    abstract = store[hit["ref"]]["abstract"]
    assert [abstract[start:start + length] for start, length in positions] == ["chemistry"]


def test_the_store_holds_what_a_result_shows():
    store = json.loads(search_files(PAPERS)["search/documents.json"])
    assert store["p2"] == {
        "title": "Vision transformers at scale",
        "url": "papers/slug-p2/",
        "collections": ["Vision, March", "Robotics digest"],
        "code": True,
        "abstract": "Attention over image patches; a graph appears once.",
    }
    assert store["p1"]["code"] is False


def test_hostile_text_is_stored_as_plain_text_and_found_by_its_words():
    hostile = '<img src=x onerror="alert(1)"></script> Evil & "quoted" title'
    files = search_files((paper("h1", hostile, "<b>bold</b> claims about <script>alert(2)</script>"),))
    store = json.loads(files["search/documents.json"])
    assert store["h1"]["title"] == hostile
    assert refs(load_index(files), "evil") == ["h1"]


def test_a_hand_written_override_is_what_search_finds():
    override = SourceFile("content/papers/slug-p3.md", "---\ntitle: Dexterous hands\n---\n")
    files = search_files(PAPERS, overrides=(override,))
    index = load_index(files)
    assert refs(index, "title:dexterous") == ["p3"]
    assert refs(index, "title:grasping") == []
    assert json.loads(files["search/documents.json"])["p3"]["title"] == "Dexterous hands"


def test_same_papers_in_any_order_give_byte_identical_files():
    shuffled = list(PAPERS)
    random.Random(7).shuffle(shuffled)
    assert search_files(PAPERS) == search_files(tuple(shuffled))


def test_the_manifest_names_the_files_written_beside_it():
    files = search_files(PAPERS)
    manifest = json.loads(files["search/manifest.json"])
    assert manifest["format"] == "lunr-single"
    assert manifest["papers"] == 3
    for key in ("index", "documents"):
        name, _, version = manifest[key].partition("?v=")
        assert f"search/{name}" in files
        assert version


def test_a_changed_paper_changes_the_version_the_browser_fetches():
    before = json.loads(search_files(PAPERS)["search/manifest.json"])
    changed = (paper("p1", "Graph networks for proteins"), *PAPERS[1:])
    after = json.loads(search_files(changed)["search/manifest.json"])
    assert before["index"] != after["index"]
    assert before["documents"] != after["documents"]


def test_json_is_compact_with_sorted_keys():
    for name, data in search_files(PAPERS).items():
        text = data.decode("utf-8")
        assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False), name


def test_an_archive_with_no_papers_gives_an_index_that_loads_and_finds_nothing():
    files = search_files(())
    assert load_index(files).search("anything") == []
    assert json.loads(files["search/documents.json"]) == {}


@pytest.mark.parametrize("titles", [("𝑥 equivariant", "ﬁne tuning"), ("é𝑥", "éﬁ")])
def test_terms_are_in_the_order_lunr_js_requires(titles):
    # lunr.js rebuilds its token set word by word and throws on a word out of UTF-16 order.
    files = search_files(tuple(paper(f"t{i}", title) for i, title in enumerate(titles)))
    terms = [term for term, _ in json.loads(files["search/lunr-index.json"])["invertedIndex"]]
    assert terms == sorted(terms, key=lambda term: term.encode("utf-16-be"))


def test_the_index_is_exactly_what_lunrs_builder_makes_with_the_lunr_js_stemmer():
    # sitegen writes the index without lunr.py's Builder, for speed; the index must not change because of it.
    surveys = paper("p4", "A survey of toy play", "We employ every key day.")
    archive = Archive(collections=(ROBOTS, VISION), papers=(*PAPERS, surveys), entry_count=4, duplicates_merged=0)
    documents = search_documents(make_documents(archive, (), (), {}))
    builder = Builder()
    builder.pipeline.add(trimmer, stop_word_filter, stemmer)
    builder.search_pipeline.add(stemmer)
    builder.metadata_whitelist = ["position"]
    builder.ref("ref")
    for name in FIELDS:
        builder.field(name, boost=TITLE_BOOST if name == "title" else 1)
    for document in documents:
        builder.add({"ref": document.ref, "title": document.title, "abstract": document.abstract,
                     "collections": "\n".join(document.collections), "tags": "\n".join(document.tags)})
    index = build_index(documents)
    assert index.serialize() == builder.build().serialize()
    assert refs(index, "survey") == ["p4"] and refs(index, "play") == ["p4"]
