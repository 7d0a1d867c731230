"""The sharded index's postings straight from each paper's term counts, without a lunr index.

`shards.postings_by_term` reads the postings out of a serialized lunr index, which holds every
word's positions and takes seconds and gigabytes to make for a large archive. The shards need
only, per term and field, which papers have the term and its BM25 weight there. This module
computes exactly those numbers over flat arrays (numpy) instead of one Python object per
occurrence, with the same float operations in the same order as lunr's Builder, so every
weight is the one lunr.py writes (tests/search compares the two).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import numpy as np

from .documents import SearchDocument
from .index import (BM25_B, BM25_K1, FIELD_BOOSTS, FIELDS, SEPARATORS, AnalyzedDocument, field_texts, idf,
                    term_pipeline)
from .shards import WEIGHT_SCALE, Posting

# Weights within this distance of a rounding tie (in thousandths) are rounded again exactly as
# lunr and postings_by_term round them; numpy's product may be one ulp off the exact value.
_TIE_MARGIN = 1e-6

# Entries (paper, field, term) converted to arrays at a time while collecting.
_BATCH_ENTRIES = 1 << 20


# One field of one paper: (field length: words kept after the pipeline, its terms, occurrences of
# each term). Plain tuples rather than dataclasses: holding only strings and integers, they drop
# out of the garbage collector's sight, which saves a second of collections at 100,000 papers.
CountedField = tuple[int, tuple[str, ...], tuple[int, ...]]
# What one paper adds to the postings, in FIELDS order; depends on that paper alone, so a cache can keep it.
CountedDocument = tuple[CountedField, ...]


def count_terms(document: SearchDocument, term_of: Callable[[str], str | None]) -> CountedDocument:
    """index.analyze without positions, which the shards do not store: several times faster."""
    fields = []
    for text in field_texts(document):
        counts = Counter(map(term_of, _words(text)))
        counts.pop(None, None)  # stop words
        fields.append((sum(counts.values()), tuple(counts), tuple(counts.values())))
    return tuple(fields)


def _words(text: str) -> list[str]:
    """index.WORD.findall(text.lower()), plus an empty word between two adjacent separators
    (term_pipeline drops it); plain replaces and a split take 40% less time than the regex."""
    text = text.lower()
    for separator in SEPARATORS[1:]:
        if separator in text:
            text = text.replace(separator, " ")
    return text.split(" ")


def counted(analyzed: AnalyzedDocument) -> CountedDocument:
    return tuple((field.length, tuple(term for term, _ in field.terms), tuple(len(spots) for _, spots in field.terms))
                 for field in analyzed.fields)


def postings_of_documents(documents: Iterable[SearchDocument]) -> list[Posting]:
    """Every term's postings over DOCUMENTS (numbered in this order), in lunr.js's term order."""
    term_of = term_pipeline()
    return postings_from_counts(count_terms(document, term_of) for document in documents)


def postings_from_analyses(analyzed: Iterable[AnalyzedDocument]) -> list[Posting]:
    """What `postings_by_term(assemble_index(ANALYZED), refs)` gives, without assembling the index."""
    return postings_from_counts(counted(document) for document in analyzed)


def postings_from_counts(documents: Iterable[CountedDocument]) -> list[Posting]:
    """Every term's postings, in lunr.js's term order (UTF-16 code units), papers numbered in DOCUMENTS' order.

    Arrays are let go as soon as they are used: at 100,000 papers each holds ten million entries.
    """
    field_count = len(FIELDS)
    terms, term_number, occurrences, slot, lengths = _entries(documents)
    if not terms:
        return []
    weights = _weights(term_number, occurrences, slot, lengths)
    del occurrences, lengths
    # lunr.js rebuilds its token set from the sorted terms and compares UTF-16 code units,
    # which order characters past U+FFFF differently from Python's code points.
    term_order = sorted(range(len(terms)), key=lambda number: _utf16_key(terms[number]))
    rank = np.empty(len(terms), dtype=np.int64)
    rank[term_order] = np.arange(len(terms))
    group = rank[term_number] * field_count + slot % field_count
    del term_number
    bounds = np.concatenate(([0], np.cumsum(np.bincount(group, minlength=len(terms) * field_count)))).tolist()
    # Entries come paper by paper, so a stable order keeps each (term, field) group's papers ascending.
    order = _stable_order(group)
    del group
    papers = (slot // field_count)[order]
    del slot
    weights = weights[order]
    del order
    gaps = np.empty_like(papers)
    gaps[:1] = papers[:1]
    np.subtract(papers[1:], papers[:-1], out=gaps[1:])
    starts = [bound for bound, end in zip(bounds, bounds[1:]) if bound < end]
    gaps[starts] = papers[starts]  # a group's first paper is a gap from 0
    del papers

    gap_objects, weight_objects = _int_objects(gaps), _int_objects(weights)
    postings = []
    for position, number in enumerate(term_order):
        by_field = []
        for group in range(position * field_count, (position + 1) * field_count):
            first, end = bounds[group], bounds[group + 1]
            # Most terms are in only one or two fields; an empty slice still costs numpy calls.
            by_field.append((tuple(gap_objects[gaps[first:end]].tolist()),
                             tuple(weight_objects[weights[first:end]].tolist())) if first < end else ((), ()))
        postings.append(Posting(terms[number], tuple(by_field)))
    return postings


def _entries(documents: Iterable[CountedDocument]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One entry per (paper, field, term) in flat arrays, paper by paper, fields in FIELDS order:
    the terms by number (in order of first occurrence), then per entry its term number, its
    occurrences (term frequency) and its slot (paper * len(FIELDS) + field), and per slot the field length."""
    number_of = _Numbering()
    numbers, occurrences, terms_per_slot, lengths = [], [], [], []
    batch_terms: list[str] = []
    batch_counts: list[int] = []

    def flush() -> None:
        # In batches, so a large archive never holds a Python list of every entry.
        numbers.append(np.fromiter(map(number_of.__getitem__, batch_terms), np.int32, len(batch_terms)))
        occurrences.append(np.array(batch_counts, dtype=np.int32))
        batch_terms.clear()
        batch_counts.clear()

    for document in documents:
        for length, terms, counts in document:
            batch_terms += terms
            batch_counts += counts
            terms_per_slot.append(len(terms))
            lengths.append(length)
        if len(batch_terms) > _BATCH_ENTRIES:
            flush()
    flush()
    slot = np.repeat(np.arange(len(lengths), dtype=np.int32), terms_per_slot)
    return (list(number_of), np.concatenate(numbers), np.concatenate(occurrences), slot,
            np.array(lengths, dtype=np.int32))


def _weights(term_number: np.ndarray, occurrences: np.ndarray, slot: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each entry's field-vector component in thousandths, as lunr's Builder computes and rounds it:
    idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * length / average) + tf) * boost, operation by operation.

    Every step is one IEEE operation on float64 in both, so the results are bit for bit equal;
    the logarithm comes from Python's math.log, as numpy's may differ in the last bit.
    """
    field_count = len(FIELDS)
    document_count = len(lengths) // field_count
    with_term = np.bincount(term_number).tolist()  # papers with the term, once per field (lunr.idf)
    idfs = np.array([idf(count, document_count) for count in with_term])
    by_field = lengths.reshape(document_count, field_count)
    norms = np.zeros(by_field.shape)
    for field, total in enumerate(by_field.sum(axis=0).tolist()):
        if total:  # otherwise no paper has a term in this field and no weight needs its norm
            average = total / document_count
            norms[:, field] = BM25_K1 * ((1 - BM25_B) + BM25_B * (by_field[:, field] / average))
    norms = norms.ravel()
    boosts = np.array(FIELD_BOOSTS, dtype=float)
    weights = np.empty(len(term_number), dtype=np.int32)
    for start in range(0, len(term_number), _BATCH_ENTRIES):  # float temporaries for a batch at a time
        part = slice(start, start + _BATCH_ENTRIES)
        tf = occurrences[part].astype(float)
        weights[part] = thousandths(idfs[term_number[part]] * ((BM25_K1 + 1) * tf) / (norms[slot[part]] + tf)
                                    * boosts[slot[part] % field_count])
    return weights


def thousandths(values: np.ndarray) -> np.ndarray:
    """round(round(value, 3) * 1000) for each value, as lunr rounds and postings_by_term scales."""
    scaled = values * WEIGHT_SCALE
    rounded = np.rint(scaled)
    near_tie = np.flatnonzero(np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) < _TIE_MARGIN)
    for position in near_tie.tolist():
        rounded[position] = round(round(float(values[position]), 3) * WEIGHT_SCALE)
    return rounded.astype(np.int64)


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """np.argsort(KEYS, kind="stable"), as two 16-bit radix passes when the keys fit in 32 bits:
    numpy radix-sorts 16-bit keys in linear time but merge-sorts wider ones, several times slower."""
    widest = int(keys.max()) if len(keys) else 0
    if widest > 0xFFFF_FFFF:
        return np.argsort(keys, kind="stable")
    low = np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")
    if widest <= 0xFFFF:
        return low
    return low[np.argsort((keys[low] >> 16).astype(np.uint16), kind="stable")]


def _int_objects(values: np.ndarray) -> np.ndarray:
    """Python ints 0..max(VALUES) in an object array: indexing it gives lists that share one object
    per distinct value, where tolist() would make one per entry (tens of millions at 100k papers)."""
    return np.arange(int(values.max()) + 1 if len(values) else 0).astype(object)


class _Numbering(dict):
    """Numbers keys 0, 1, 2, ... in the order they are first looked up."""

    def __missing__(self, key: str) -> int:
        number = self[key] = len(self)
        return number


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be", "surrogatepass")
