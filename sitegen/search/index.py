"""The Lunr index, written directly in the serialized form lunr.js 2.3.9's `lunr.Index.load` reads.

lunr.py's Builder makes the same index but spends most of its time on per-token objects and
pipeline calls (about 3 ms per paper). Here each distinct word goes through lunr.py's own
pipeline functions once, and the postings and BM25 field vectors are computed the way
lunr's Builder computes them, operation for operation, so the JSON is byte-identical to
lunr.py's (tests/perf compares the two on the seeds and a synthetic corpus).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import lunr
from lunr.builder import Builder
from lunr.index import Index
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer

from .documents import SearchDocument
from .stemmer import load_index_like_lunr_js, stemmer

# A word in the title is the strongest sign a paper is about it; the abstract is long and
# mentions much in passing.
TITLE_BOOST = 10

FIELDS = ("title", "abstract", "collections", "tags")
FIELD_BOOSTS = tuple(TITLE_BOOST if name == "title" else 1 for name in FIELDS)

# lunr's query syntax has no way to address words across list items, so list fields are
# indexed as text with one item per line (a newline separates tokens in lunr).
_LIST_SEPARATOR = "\n"

# lunr's tokenizer splits the lower-cased text on these characters (lunr.tokenizer.SEPARATOR_CHARS).
SEPARATORS = " \t\n\r\f\v\xa0-"
WORD = re.compile(f"[^{re.escape(SEPARATORS)}]+")

# lunr's BM25 parameters (Builder defaults, the same in lunr.js).
BM25_K1 = 1.2
BM25_B = 0.75

# What lunr.js runs on query words; the indexing pipeline is not serialized.
SEARCH_PIPELINE = ["stemmer"]

# One word's postings in one field: (start, length) of each occurrence in the lower-cased text.
Positions = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class AnalyzedField:
    length: int  # words kept after the pipeline: BM25's field length
    terms: tuple[tuple[str, Positions], ...]  # each term once, in order of first occurrence


@dataclass(frozen=True)
class AnalyzedDocument:
    """What indexing one paper contributes; depends on that paper alone, so it can be reused."""

    ref: str
    fields: tuple[AnalyzedField, ...]  # in FIELDS order


def field_texts(document: SearchDocument) -> tuple[str, ...]:
    return (document.title, document.abstract, _LIST_SEPARATOR.join(document.collections),
            _LIST_SEPARATOR.join(document.tags))


def term_pipeline() -> Callable[[str], str | None]:
    """lunr's default indexing pipeline (trimmer, stop words, stemmer) for one word, memoized per word.

    The trimmer and stop word filter are lunr.py's own; the stemmer is lunr.js's (stemmer.py),
    so a word becomes exactly the term a query typed in the browser stems to.
    None means the word is dropped (a stop word).
    """
    # A bound dict lookup: mapped over a list of words it runs in C, and only a word not seen
    # before goes through the pipeline. The empty word, which splitting on single separators
    # leaves between two of them (postings.count_terms), is no word at all.
    return _TermsByWord({"": None}).__getitem__


class _TermsByWord(dict):
    def __missing__(self, word: str) -> str | None:
        token = Token(word, {})
        for step in (trimmer, stop_word_filter, stemmer):
            token = step(token, 0, [token])
            if not token:
                break
        term = str(token) if token else None
        self[word] = term
        return term


def analyze(document: SearchDocument, term_of: Callable[[str], str | None]) -> AnalyzedDocument:
    fields = []
    for text in field_texts(document):
        occurrences: dict[str, list[tuple[int, int]]] = {}
        length = 0
        for match in WORD.finditer(text.lower()):
            term = term_of(match.group())
            if term is None:
                continue
            length += 1
            start, end = match.span()
            spots = occurrences.get(term)
            if spots is None:
                occurrences[term] = [(start, end - start)]
            else:
                spots.append((start, end - start))
        fields.append(AnalyzedField(length, tuple((term, tuple(spots)) for term, spots in occurrences.items())))
    return AnalyzedDocument(document.ref, tuple(fields))


def serialized_index(documents: tuple[SearchDocument, ...],
                     analyzed: Iterable[AnalyzedDocument] | None = None) -> dict:
    """The index over DOCUMENTS as lunr.py's `Index.serialize()` returns it, terms in lunr.js order.

    JSON-ready data; some arrays are tuples, which `dump_json` writes exactly like lists.

    ANALYZED, if given, is `analyze()` of each document in the same order (a caller may keep
    them from an earlier build); otherwise they are computed here.
    """
    if analyzed is None:
        term_of = term_pipeline()
        analyzed = [analyze(document, term_of) for document in documents]
    return assemble_index(tuple(analyzed))


def assemble_index(analyzed: tuple[AnalyzedDocument, ...]) -> dict:
    # Terms are numbered in order of first occurrence (document, then field, then position),
    # as lunr's Builder numbers them; field vectors list components by that number.
    postings: dict[str, dict] = {}
    totals = [0] * len(FIELDS)
    for document in analyzed:
        ref = document.ref
        for number, (name, field) in enumerate(zip(FIELDS, document.fields)):
            totals[number] += field.length
            for term, spots in field.terms:
                posting = postings.get(term)
                if posting is None:
                    posting = postings[term] = {"_index": len(postings), **{field_name: {} for field_name in FIELDS}}
                # Tuples serialize as JSON arrays: no need to copy the positions into lists.
                posting[name][ref] = {"position": spots}

    count = len(analyzed)
    averages = [total / count for total in totals] if count else totals
    term_number = {term: posting["_index"] for term, posting in postings.items()}
    idf_of = {term: idf(sum(len(posting[name]) for name in FIELDS), count) for term, posting in postings.items()}
    scale = BM25_K1 + 1
    field_vectors = []
    for document in analyzed:
        for name, boost, average, field in zip(FIELDS, FIELD_BOOSTS, averages, document.fields):
            if not field.terms:
                field_vectors.append([f"{name}/{document.ref}", []])
                continue
            # Same operations in the same order as lunr's Builder, so the rounded floats agree:
            # idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * length / average) + tf), times the boost.
            norm = BM25_K1 * (1 - BM25_B + BM25_B * (field.length / average))
            components = sorted(
                (term_number[term], round(idf_of[term] * (scale * len(spots)) / (norm + len(spots)) * boost, 3))
                for term, spots in field.terms
            )
            field_vectors.append([f"{name}/{document.ref}", [value for pair in components for value in pair]])

    return {
        "version": lunr.__TARGET_JS_VERSION__,
        "fields": list(FIELDS),
        "fieldVectors": field_vectors,
        # lunr.js rebuilds its token set from this list and refuses words out of order, comparing
        # UTF-16 code units; Python sorts by code point, which differs past U+FFFF.
        "invertedIndex": [[term, postings[term]] for term in sorted(postings, key=_utf16_key)],
        "pipeline": list(SEARCH_PIPELINE),
    }


def idf(with_term: int, document_count: int) -> float:
    """lunr.idf, where WITH_TERM counts a document once per field that has the term."""
    x = (document_count - with_term + 0.5) / (with_term + 0.5)
    return math.log(1 + abs(x))


def build_index(documents: tuple[SearchDocument, ...]) -> Index | None:
    """A queryable lunr.py Index over DOCUMENTS (for tests and tools); None when there is nothing to index."""
    if not documents:
        return None
    # Through JSON, so the index holds exactly what lunr.js would load (lists, not tuples).
    return load_index_like_lunr_js(json.loads(dump_json(serialized_index(documents))))


def reference_index(documents: tuple[SearchDocument, ...]) -> dict:
    """The same index made by lunr.py's Builder: slow, kept as the reference the fast path must equal."""
    builder = Builder()
    builder.pipeline.add(trimmer, stop_word_filter, stemmer)
    builder.search_pipeline.add(stemmer)
    builder.metadata_whitelist = ["position"]
    builder.ref("ref")
    for name, boost in zip(FIELDS, FIELD_BOOSTS):
        builder.field(name, boost=boost)
    for document in documents:
        builder.add({"ref": document.ref, **dict(zip(FIELDS, field_texts(document)))})
    data = builder.build().serialize()
    data["invertedIndex"] = sorted(data["invertedIndex"], key=lambda item: _utf16_key(item[0]))
    return data


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be", "surrogatepass")


def dump_json(data: object) -> bytes:
    """Compact, key-sorted JSON: the same data always gives the same bytes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
