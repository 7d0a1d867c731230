"""The Lunr index, built by lunr.py and serialized for lunr.js 2.3.9's `lunr.Index.load`."""

from __future__ import annotations

import json
from collections.abc import Callable

import lunr
from lunr.builder import Builder
from lunr.index import Index
from lunr.stemmer import porter_stemmer, stemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.trimmer import trimmer

from .documents import SearchDocument

# A word in the title is the strongest sign a paper is about it; the abstract is long and
# mentions much in passing.
TITLE_BOOST = 10

FIELDS = ("title", "abstract", "collections", "tags")

# lunr's query syntax has no way to address words across list items, so list fields are
# indexed as text with one item per line (a newline separates tokens in lunr).
_LIST_SEPARATOR = "\n"


def index_builder() -> Builder:
    # lunr's default pipelines, except that indexing stems each distinct word once: stemming
    # is most of lunr.py's build time and abstracts repeat their words.
    builder = Builder()
    builder.pipeline.add(trimmer, stop_word_filter, _memoized_stemmer())
    builder.search_pipeline.add(stemmer)
    # The browser cuts snippets and highlights matched words from these token positions.
    builder.metadata_whitelist = ["position"]
    builder.ref("ref")
    for name in FIELDS:
        builder.field(name, boost=TITLE_BOOST if name == "title" else 1)
    return builder


def build_index(documents: tuple[SearchDocument, ...]) -> Index | None:
    """The index over DOCUMENTS; None when there is nothing to index (lunr.py cannot build that)."""
    if not documents:
        return None
    builder = index_builder()
    for document in documents:
        builder.add(
            {
                "ref": document.ref,
                "title": document.title,
                "abstract": document.abstract,
                "collections": _LIST_SEPARATOR.join(document.collections),
                "tags": _LIST_SEPARATOR.join(document.tags),
            }
        )
    return builder.build()


def _memoized_stemmer() -> Callable:
    stems: dict[str, str] = {}

    def stem(word: str, metadata: dict | None = None) -> str:
        if word not in stems:
            stems[word] = porter_stemmer.stem(word)
        return stems[word]

    def memoized_stemmer(token, i=None, tokens=None):
        return token.update(stem)

    # Only the search pipeline is serialized, and it names lunr's own stemmer; this label
    # just tells lunr.py the function stands in for it.
    memoized_stemmer.label = stemmer.label
    return memoized_stemmer


def serialized_index(documents: tuple[SearchDocument, ...]) -> dict:
    index = build_index(documents)
    if index is None:
        return {
            "version": lunr.__TARGET_JS_VERSION__,
            "fields": list(FIELDS),
            "fieldVectors": [],
            "invertedIndex": [],
            "pipeline": index_builder().search_pipeline.serialize(),
        }
    data = index.serialize()
    # lunr.js rebuilds its token set from this list and refuses words out of order, comparing
    # UTF-16 code units; Python sorts by code point, which differs past U+FFFF.
    data["invertedIndex"] = sorted(data["invertedIndex"], key=lambda item: _utf16_key(item[0]))
    return data


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be", "surrogatepass")


def dump_json(data: object) -> bytes:
    """Compact, key-sorted JSON: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
