"""A sharded search index: the serialized Lunr index split by term range, loaded piece by piece.

One lunr.js index must be downloaded and parsed whole, which stops working past a few thousand
papers. Lunr scores a document as a sum over fields of (query vector . field vector) / |query
vector|, and each field vector component belongs to one term, so the index splits by term
without losing anything: a posting shard holds, for a run of consecutive terms, which papers
have each term in each field and the field-vector component (the BM25 weight) of that term.
The browser fetches only the shards its query terms fall in and computes lunr's score itself.

Files, all under search/ and named by number (the manifest's version string busts caches):
- manifest.json: fields, paper count, the first term of every posting shard and term list,
  the collection names, and the papers per document chunk;
- terms/N.json: sorted runs of terms only, read to expand wildcards and fuzzy terms;
- postings/N.json: {"terms": [...], "postings": [per term: per field: [doc gaps, weights]]};
- docs/N.json: what results show, for a run of papers in index order.

Papers are numbered by their order in the index's document list (sorted by id), so postings
store small gaps between numbers instead of ids. Weights are stored as integers in
thousandths: lunr rounds every field-vector component to three decimals, so this is exact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .documents import SearchDocument
from .index import dump_json

SHARDED_INDEX_FORMAT = "lunr-sharded"
WEIGHT_SCALE = 1000  # lunr keeps field-vector components to three decimals


@dataclass(frozen=True)
class ShardLayout:
    """How big the pieces are; sizes are of the uncompressed JSON (gzip makes them ~3x smaller)."""

    postings_bytes: int = 40_000
    terms_bytes: int = 24_000
    # One paper per file: as the reader types, every keystroke shows other results, and a
    # file of eight papers costs eight times the bytes for the one that is shown.
    papers_per_docs_file: int = 1


DEFAULT_LAYOUT = ShardLayout()


@dataclass(frozen=True)
class Posting:
    term: str
    fields: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]  # per field: (doc gaps, weights)

    def as_json(self) -> list:
        return [[list(gaps), list(weights)] for gaps, weights in self.fields]


def sharded_search_files(index: dict, documents: tuple[SearchDocument, ...], search_dir: str,
                         layout: ShardLayout = DEFAULT_LAYOUT) -> dict[str, bytes]:
    """{site-relative path: bytes} for the manifest and every piece of the sharded index.

    INDEX is a serialized lunr index (what lunr's Index.serialize() returns) built over
    DOCUMENTS, in the same order.
    """
    postings = list(postings_by_term(index, [document.ref for document in documents]))
    return sharded_files_from_postings(postings, tuple(index["fields"]), tuple(index["pipeline"]),
                                       documents, search_dir, layout)


def sharded_files_from_postings(postings: Sequence[Posting], fields: tuple[str, ...], pipeline: tuple[str, ...],
                                documents: tuple[SearchDocument, ...], search_dir: str,
                                layout: ShardLayout = DEFAULT_LAYOUT) -> dict[str, bytes]:
    """sharded_search_files from the postings themselves (every term, in lunr.js order), for a
    caller that computes them without serializing a whole lunr index first."""
    fields = list(fields)
    posting_shards = list(_runs(postings, lambda posting: len(dump_json([posting.term, posting.as_json()])),
                                layout.postings_bytes))
    term_runs = list(_runs([posting.term for posting in postings], lambda term: len(term) + 3, layout.terms_bytes))
    collection_names = sorted({name for document in documents for name in document.collections})
    collection_number = {name: number for number, name in enumerate(collection_names)}
    per_file = layout.papers_per_docs_file
    doc_runs = [documents[start:start + per_file] for start in range(0, len(documents), per_file)]

    pieces: dict[str, bytes] = {}
    for number, shard in enumerate(posting_shards):
        pieces[f"postings/{number}.json"] = dump_json(
            {"terms": [posting.term for posting in shard], "postings": [posting.as_json() for posting in shard]}
        )
    for number, terms in enumerate(term_runs):
        pieces[f"terms/{number}.json"] = dump_json(terms)
    for number, run in enumerate(doc_runs):
        pieces[f"docs/{number}.json"] = dump_json([_result_data(document, collection_number) for document in run])

    manifest = {
        "format": SHARDED_INDEX_FORMAT,
        "papers": len(documents),
        "fields": fields,
        "pipeline": list(pipeline),
        # One hash over every piece: a rebuilt site never pairs a cached old shard with a new one.
        "version": _short_hash(b"".join(name.encode() + b"\0" + data for name, data in sorted(pieces.items()))),
        "postings": [shard[0].term for shard in posting_shards],
        "terms": [terms[0] for terms in term_runs],
        "documents": {"per_file": per_file, "collections": collection_names},
        "weight_scale": WEIGHT_SCALE,
    }
    files = {f"{search_dir}/{name}": data for name, data in pieces.items()}
    files[f"{search_dir}/manifest.json"] = dump_json(manifest)
    return files


def postings_by_term(index: dict, refs: list[str]) -> Iterator[Posting]:
    """Every term of INDEX, in lunr.js's order (UTF-16 code units), with its postings by field."""
    fields = list(index["fields"])
    doc_number = {ref: number for number, ref in enumerate(refs)}
    components = _field_vector_components(index)
    for term, entry in sorted(index["invertedIndex"], key=lambda item: _utf16_key(item[0])):
        term_index = entry["_index"]
        by_field = []
        for field in fields:
            numbers = sorted(doc_number[ref] for ref in entry.get(field, {}))
            weights = tuple(
                round(components[f"{field}/{refs[number]}"].get(term_index, 0.0) * WEIGHT_SCALE)
                for number in numbers
            )
            by_field.append((tuple(_gaps(numbers)), weights))
        yield Posting(term, tuple(by_field))


def _field_vector_components(index: dict) -> dict[str, dict[int, float]]:
    """{"field/ref": {term index: component}} from lunr's flat [index, value, index, value, ...]."""
    return {
        field_ref: dict(zip(flat[0::2], flat[1::2]))
        for field_ref, flat in index["fieldVectors"]
    }


def _gaps(numbers: list[int]) -> Iterator[int]:
    previous = 0
    for number in numbers:
        yield number - previous
        previous = number


def _runs(items: Iterable, size_of, budget: int) -> Iterator[list]:
    """Consecutive items in lists of about BUDGET bytes; an item bigger than that gets its own."""
    run: list = []
    used = 0
    for item in items:
        size = size_of(item)
        if run and used + size > budget:
            yield run
            run, used = [], 0
        run.append(item)
        used += size
    if run:
        yield run


def _result_data(document: SearchDocument, collection_number: dict[str, int]) -> list:
    # A list, not an object: the keys would be repeated for every paper of every file.
    return [
        document.ref,
        document.title,
        document.url,
        [collection_number[name] for name in document.collections],
        1 if document.has_code else 0,
        # Snippets and highlights are cut from this text, so it is exactly the indexed text.
        document.abstract,
    ]


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be", "surrogatepass")


def _short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]
