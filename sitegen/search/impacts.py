"""Each term's impact in each paper, over flat arrays: what heads, tiers, vectors and prefix lists are cut from.

A term's impact in a paper is the sum of its weights (in thousandths) over the fields. For a
plain query, lunr's score is a sum over the query's terms of a per-term factor times that
impact, so impacts are all a browser needs to rank the best few papers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # shards.py defines Posting and imports this module
    from .shards import Posting


@dataclass(frozen=True)
class TermImpacts:
    """Every (term, paper) pair of an index, ordered by term number (lunr.js's term order) then paper."""

    papers: np.ndarray
    impacts: np.ndarray
    terms: np.ndarray  # each pair's term number
    starts: np.ndarray  # term t's pairs are starts[t]:starts[t + 1]
    paper_count: int

    def of_term(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        """(papers ascending, impacts) of one term."""
        where = slice(self.starts[term], self.starts[term + 1])
        return self.papers[where], self.impacts[where]

    def summed(self, first: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """(papers ascending, impacts summed over terms FIRST..END-1): a prefix's list, as the
        terms that start with a prefix are consecutive in term order."""
        where = slice(self.starts[first], self.starts[end])
        papers, impacts = self.papers[where], self.impacts[where]
        merged, inverse = np.unique(papers, return_inverse=True)
        return merged, np.bincount(inverse, weights=impacts).astype(np.int64)


def term_impacts(postings: Sequence[Posting], paper_count: int) -> TermImpacts:
    """TermImpacts of POSTINGS (every term of an index, in order), whose papers number below PAPER_COUNT."""
    field_count = len(postings[0].fields) if postings else 0
    groups = len(postings) * field_count
    lengths = np.fromiter((len(gaps) for posting in postings for gaps, _ in posting.fields), np.int64, groups)
    total = int(lengths.sum())
    gaps = np.fromiter(chain.from_iterable(gaps for posting in postings for gaps, _ in posting.fields), np.int64, total)
    weights = np.fromiter(chain.from_iterable(weights for posting in postings for _, weights in posting.fields),
                          np.int64, total)
    # Gaps restart from 0 in every (term, field) group: papers are running sums within a group.
    running = np.cumsum(gaps)
    del gaps
    group_starts = np.cumsum(lengths) - lengths
    before = np.zeros(groups, np.int64)
    later = group_starts > 0
    before[later] = running[group_starts[later] - 1]
    papers = running - np.repeat(before, lengths)
    del running
    terms = np.repeat(np.arange(len(postings), dtype=np.int64), lengths.reshape(-1, field_count).sum(axis=1)
                      if field_count else np.zeros(0, np.int64))
    # A paper with a term in several fields has one pair whose impact is the sum of its weights.
    pairs, inverse = np.unique(terms * max(paper_count, 1) + papers, return_inverse=True)
    del terms, papers
    impacts = np.bincount(inverse, weights=weights, minlength=len(pairs)).astype(np.int64)
    terms, papers = np.divmod(pairs, max(paper_count, 1))
    starts = np.searchsorted(terms, np.arange(len(postings) + 1))
    return TermImpacts(papers, impacts, terms, starts, paper_count)


def paper_vectors(impacts: TermImpacts) -> list[bytes]:
    """Each paper's vector as JSON, in paper order: [gaps between its terms' numbers, its impacts there]."""
    order = np.lexsort((impacts.terms, impacts.papers))  # by paper, then by term number
    papers, terms, values = impacts.papers[order], impacts.terms[order], impacts.impacts[order]
    gaps = np.diff(terms, prepend=0)
    starts = np.searchsorted(papers, np.arange(impacts.paper_count + 1))
    firsts = starts[:-1][starts[:-1] < starts[1:]]
    gaps[firsts] = terms[firsts]  # each paper's first number counts from 0
    gap_list, impact_list, bounds = gaps.tolist(), values.tolist(), starts.tolist()

    return [("[[" + ",".join(map(str, gap_list[start:end])) + "],[" + ",".join(map(str, impact_list[start:end]))
             + "]]").encode() for start, end in zip(bounds, bounds[1:])]


def vector_files(vectors: Sequence[bytes], per_file: int) -> Iterator[bytes]:
    """vectors/N.json in order: the VECTORS (paper_vectors) of PER_FILE papers each."""
    for start in range(0, len(vectors), per_file):
        yield b"[" + b",".join(vectors[start:start + per_file]) + b"]"


def shared_prefixes(terms: Sequence[str], min_length: int) -> list[tuple[str, int, int]]:
    """(key, first, end) for each run terms[first:end] of two or more terms that are exactly the
    terms starting with some prefix at least MIN_LENGTH characters long; KEY is the run's longest
    common prefix. TERMS are in lunr.js order, and so is the list (by key).

    A browser looking up a typed prefix P takes the first key at or after P: if it starts with
    P, its run is what P* expands to; otherwise P* matches at most one term.
    """
    runs: dict[str, list[int]] = {}
    for number in range(len(terms) - 1):
        here, after = terms[number], terms[number + 1]
        common = 0
        limit = min(len(here), len(after))
        while common < limit and here[common] == after[common]:
            common += 1
        for length in range(min_length, common + 1):
            run = runs.get(here[:length])
            if run is None:
                runs[here[:length]] = [number, number + 2]
            else:
                run[1] = number + 2
    longest: dict[tuple[int, int], str] = {}
    for prefix, (first, end) in runs.items():
        if len(prefix) > len(longest.get((first, end), "")):
            longest[(first, end)] = prefix
    return sorted(((key, first, end) for (first, end), key in longest.items()),
                  key=lambda item: item[0].encode("utf-16-be", "surrogatepass"))
