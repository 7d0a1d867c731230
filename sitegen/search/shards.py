"""A sharded search index: the serialized Lunr index split by term range, loaded piece by piece.

One lunr.js index must be downloaded and parsed whole, which stops working past a few thousand
papers. Lunr scores a document as a sum over fields of (query vector . field vector) / |query
vector|, and each field vector component belongs to one term, so the index splits by term
without losing anything: a posting shard holds, for a run of consecutive terms, which papers
have each term in each field and the field-vector component (the BM25 weight) of that term.
The browser fetches only the shards its query terms fall in and computes lunr's score itself.

Files, all under search/ and named by number (the manifest's version string busts caches):
- manifest.json: fields, paper count, the first term of every posting shard and term list,
  the first key of every prefix file, the collection names, the papers per document chunk, and
  the keys of the lists with a tops file;
- terms/N.json: sorted runs of terms only, read to expand wildcards and fuzzy terms;
- postings/N.json: {"first": the number of its first term, "terms": [...], "postings": [per
  term: per field: [doc gaps, weights]]}; a common term's entry is {"head": per field postings
  of its highest-impact papers, "papers": how many papers have it,
  "tiers": [[highest impact, papers, tiers file], ...]};
- prefixes/N.json: {"keys": [...], "entries": [...]}: for each prefix that starts two or more
  terms (terms first..end-1), keyed by their longest common prefix, {"first", "end", "papers",
  "head", "tiers"}: the papers with any of those terms and their summed impacts, as one field,
  the last of them left out when there are many (a tier whose file is -1);
- starts/N.json: what the third letter of a word needs, whichever letter it is, for a word whose
  first two are the Nth start in the manifest's prefixes.starts (two characters each, end to end): {"keys", "entries"} as in a prefix file, the
  first list of each three-letter prefix, and {"terms", "numbers", "postings"} as in a posting
  file, the terms of three letters and each term that alone starts a three-letter prefix; fetched
  at the second letter, it leaves the third no index file to wait for before its tiers;
- tiers/N.json: per field postings of the next papers of one common term or prefix, by falling impact;
- tops/N.json: [[paper, what results show], ...] for the papers where a common term or prefix list
  weighs most, so the results of a query read their data in one request; the manifest lists
  those lists' keys, so a query asks for the file alongside its posting or prefix file, not
  after it (see _TopsFiles);
- heads/N.json: [[paper, its vector], ...] for the papers of the head of a term or prefix list
  with tops (its entry's "heads"): the papers whose vectors ranking the best few mostly needs;
- docs/N.json: what results show, for a run of papers in index order;
- vectors/N.json: for the same papers, [gaps between the numbers of their terms, impacts].

A term's impact in a paper is the sum of its weights over the fields. For a query whose
clauses are all optional and search every field, lunr's score is the sum over query terms of
a per-term factor times that impact, so the browser can rank the top results from the heads
and fetch a tier (or a paper's vector) only while a paper could still overtake one it shows.
A typed prefix adds the same factor to every term it expands to, so its part of the score is
that factor times the prefix list's impact.

Papers are numbered by their order in the index's document list (sorted by id), so postings
store small gaps between numbers instead of ids. Weights are stored as integers in
thousandths: lunr rounds every field-vector component to three decimals, so this is exact.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from .documents import SearchDocument
from .impacts import TermImpacts, paper_vectors, shared_prefixes, term_impacts, vector_files
from .index import dump_json

SHARDED_INDEX_FORMAT = "lunr-sharded"
WEIGHT_SCALE = 1000  # lunr keeps field-vector components to three decimals
NOT_STORED = -1  # the file number of a prefix list's last papers, which are left out


@dataclass(frozen=True)
class ShardLayout:
    """How big the pieces are; sizes are of the uncompressed JSON (gzip makes them ~3x smaller)."""

    # Small, since a query reads a whole file for each of its words (benchmarks/search_shards.py).
    postings_bytes: int = 8_000
    terms_bytes: int = 8_000
    # One paper per file: as the reader types, every keystroke shows other results, and a
    # file of eight papers costs eight times the bytes for the one that is shown.
    papers_per_docs_file: int = 1
    # A term in more than twice this many papers keeps only this many, those where its impact
    # is highest, in its posting file; the rest go to tier files, each `tier_growth` times
    # larger than the one before, fetched only when a query's top results depend on them.
    head_papers: int = 32
    tier_growth: int = 4
    # Past this, a query that needs a little more of a very common term would fetch far more.
    max_tier_papers: int = 2048
    # A prefix at least this long that starts two or more terms gets a list of its own: the
    # papers with any of them and their summed impacts, so ranking what a reader is typing
    # ("lan" -> language, landscape, lane, ...) reads one list instead of one per word.
    # search.js completes the last word from its third letter on.
    prefix_min_length: int = 3
    # A prefix list keeps its head and this many tiers (12,960 papers by default); the rest is
    # listed as one tier that is not stored ([highest impact, papers, -1]): ranking the best few
    # then settles the papers it would hold by their vectors, one request each, or expands the
    # prefix word by word. Three tiers (2,720 papers) left typed queries at 100,000 papers a
    # sixth more requests (bursts of 150 vectors); eight made the index 14% larger there and
    # 4% at 10,000 papers; the full lists, 28% larger, saved no more requests.
    prefix_tiers: int = 8
    # A term or prefix list in at least `tops_min_papers` papers (or a twentieth of a smaller
    # archive's) also lists the result data of `top_papers` of them, those where it weighs most:
    # the header box's 8 results are mostly among those of its query's lists, and each paper's
    # own file is a request (about 2.5 ms of chromium's time on the benchmark's machine). Typed
    # queries read result data in about half the requests and fewer bytes (a file of 8
    # compresses better than 8 files). Lists in fewer papers are typed less often: giving them
    # tops too saved few more requests (10,000 papers: 191 instead of 260, from 490) for more
    # than twice the copies (27 MB instead of 11 MB).
    top_papers: int = 8
    tops_min_papers: int = 512
    # In an archive of at least `head_vectors_min_papers` papers, such a list also has the vectors
    # of its head's papers in one file: ranking the best few of several words asks for vectors of
    # papers seen in one word's list and not yet in another's, and 88% of those asked for in typed
    # queries at 100,000 papers were in a head. Fetching a head's file where three or more of its
    # papers are wanted made 25% fewer requests there (the worst keystroke 21 instead of 53) for
    # 6% more bytes and a 17% larger index. At 10,000 papers it saved 13% of the requests but its
    # bytes pushed typed queries past 150 KB, the goal there.
    head_vectors_min_papers: int = 20_000


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
    impacts = term_impacts(postings, len(documents))
    collection_names = sorted({name for document in documents for name in document.collections})
    collection_number = {name: number for number, name in enumerate(collection_names)}
    result_data = [_result_data(document, collection_number) for document in documents]
    vectors = paper_vectors(impacts)
    tiers = _Tiers(layout, impacts, result_data, vectors)
    # Each entry's JSON is made once: it sizes the files and then goes into them as it is.
    entries = [(posting.term, _json(tiers.term_entry(number, posting))) for number, posting in enumerate(postings)]
    posting_shards = list(_runs(entries, lambda entry: len(entry[0]) + len(entry[1]) + 4, layout.postings_bytes))
    terms = [posting.term for posting in postings]
    term_runs = list(_runs(terms, lambda term: len(term) + 3, layout.terms_bytes))
    prefix_entries = [(key, dump_json(tiers.prefix_entry(key, first, end)))
                      for key, first, end in shared_prefixes(terms, layout.prefix_min_length)]
    prefix_shards = list(_runs(prefix_entries, lambda entry: len(entry[0]) + len(entry[1]) + 4, layout.postings_bytes))
    starts = _starts_files(terms, entries, prefix_entries, layout.prefix_min_length)
    per_file = layout.papers_per_docs_file
    doc_runs = [result_data[start:start + per_file] for start in range(0, len(documents), per_file)]

    pieces: dict[str, bytes] = {}
    first_term = 0
    for number, shard in enumerate(posting_shards):
        # dump_json({"first": ..., "postings": ..., "terms": ...}) would give these very bytes (keys sorted).
        pieces[f"postings/{number}.json"] = (
            b'{"first":' + str(first_term).encode() + b',"postings":[' + b",".join(entry for _, entry in shard)
            + b'],"terms":' + dump_json([term for term, _ in shard]) + b"}"
        )
        first_term += len(shard)
    for number, shard in enumerate(prefix_shards):
        pieces[f"prefixes/{number}.json"] = (
            b'{"entries":[' + b",".join(entry for _, entry in shard) + b'],"keys":'
            + dump_json([key for key, _ in shard]) + b"}"
        )
    for number, (_, data) in enumerate(starts):
        pieces[f"starts/{number}.json"] = data
    pieces.update(tiers.pieces)
    pieces.update(tiers.tops.pieces())
    for number, run in enumerate(term_runs):
        pieces[f"terms/{number}.json"] = dump_json(run)
    for number, run in enumerate(doc_runs):
        pieces[f"docs/{number}.json"] = dump_json(run)
    for number, data in enumerate(vector_files(vectors, per_file)):
        pieces[f"vectors/{number}.json"] = data

    manifest = {
        "format": SHARDED_INDEX_FORMAT,
        "papers": len(documents),
        "fields": fields,
        "pipeline": list(pipeline),
        # One hash over every piece: a rebuilt site never pairs a cached old shard with a new one.
        "version": _short_hash(b"".join(name.encode() + b"\0" + data for name, data in sorted(pieces.items()))),
        "postings": [shard[0][0] for shard in posting_shards],
        "terms": [run[0] for run in term_runs],
        # The starts, each min_length - 1 characters, written end to end: a list of strings
        # gzips to twice the bytes, and every query reads the manifest.
        "prefixes": {"min_length": layout.prefix_min_length, "files": [shard[0][0] for shard in prefix_shards],
                     "starts": "".join(start for start, _ in starts)},
        "documents": {"per_file": per_file, "collections": collection_names},
        "tops": tiers.tops.manifest(),
        "weight_scale": WEIGHT_SCALE,
    }
    files = {f"{search_dir}/{name}": data for name, data in pieces.items()}
    files[f"{search_dir}/manifest.json"] = dump_json(manifest)
    return files


def _starts_files(terms: list[str], term_entries: list[tuple[str, bytes]], prefix_entries: list[tuple[str, bytes]],
                  min_length: int) -> list[tuple[str, bytes]]:
    """(start, its starts file) for every start of MIN_LENGTH - 1 characters that longer terms go
    on from, in lunr.js order. For each MIN_LENGTH-character prefix P with that start, the file
    holds what a query of a word typed to P needs first: the first prefix list starting with P,
    which P* reads (see shared_prefixes), or else the one term P starts, and P's own entry if P is
    a term. The prefix lists and terms come from PREFIX_ENTRIES and TERM_ENTRIES ((key, JSON)),
    as their own files hold them."""
    first_list: dict[str, int] = {}  # P -> the place in PREFIX_ENTRIES of the first list it starts
    for place, (key, _) in enumerate(prefix_entries):
        first_list.setdefault(key[:min_length], place)
    by_start: dict[str, tuple[set[int], set[int]]] = {}  # start -> (places of its lists, numbers of its terms)
    for number, term in enumerate(terms):
        if len(term) < min_length:
            continue
        prefix = term[:min_length]
        lists, words = by_start.setdefault(prefix[:-1], (set(), set()))
        if prefix in first_list:
            lists.add(first_list[prefix])
        else:  # no list: P starts this term alone
            words.add(number)
        if len(term) == min_length:
            words.add(number)
    files = []
    for start in sorted(by_start, key=_utf16_key):
        lists, words = (sorted(places) for places in by_start[start])  # lunr.js order, as both kinds are
        files.append((start, b'{"entries":[' + b",".join(prefix_entries[place][1] for place in lists) + b'],"keys":'
                      + dump_json([prefix_entries[place][0] for place in lists]) + b',"numbers":' + dump_json(words)
                      + b',"postings":[' + b",".join(term_entries[number][1] for number in words) + b'],"terms":'
                      + dump_json([terms[number] for number in words]) + b"}"))
    return files


class _Tiers:
    """Lays out, as entries are made, the tier files of common terms and of prefix lists."""

    def __init__(self, layout: ShardLayout, impacts: TermImpacts, result_data: list[list], vectors: list[bytes]):
        self.layout = layout
        self.impacts = impacts
        self.vectors = vectors
        self.pieces: dict[str, bytes] = {}
        self.tiers = 0
        self.tops = _TopsFiles(result_data)
        self.heads: dict[tuple[int, ...], int] = {}  # head papers -> their heads file, likewise

    def _add_tier(self, postings: list) -> int:
        self.pieces[f"tiers/{self.tiers}.json"] = _json(postings)
        self.tiers += 1
        return self.tiers - 1

    def _with_tops(self, entry: dict, by_impact: list[int], papers: int, key: str, prefix: bool) -> dict:
        """ENTRY, of the list KEY (a prefix list if PREFIX) in PAPERS papers whose highest impacts
        start BY_IMPACT, its tops file noted and its heads file added."""
        if papers >= min(self.layout.tops_min_papers, self.impacts.paper_count // 20):
            self.tops.add(key, prefix, tuple(by_impact[:self.layout.top_papers]))
            if self.impacts.paper_count >= self.layout.head_vectors_min_papers:
                entry["heads"] = self._heads(by_impact)
        return entry

    def _heads(self, head: list[int]) -> int:
        """The heads file of a list whose head holds the papers HEAD."""
        papers = tuple(sorted(head))
        if papers not in self.heads:
            self.heads[papers] = len(self.heads)
            self.pieces[f"heads/{len(self.heads) - 1}.json"] = b"[" + b",".join(
                b"[" + str(paper).encode() + b"," + self.vectors[paper] + b"]" for paper in papers) + b"]"
        return self.heads[papers]

    def term_entry(self, number: int, posting: Posting) -> list | dict:
        """What a posting file holds for POSTING (term NUMBER): all of it, or a common term's head and tiers."""
        papers, impacts = self.impacts.of_term(number)
        if len(papers) <= 2 * self.layout.head_papers:
            return posting.as_json()
        by_field = [dict(zip(_numbers(gaps), weights)) for gaps, weights in posting.fields]
        tiers = self._cut(papers, impacts)
        impact = dict(zip(papers.tolist(), impacts.tolist()))
        rest = []
        for tier in tiers[1:]:
            rest.append([impact[tier[0]], len(tier), self._add_tier(_field_postings(by_field, tier))])
        return self._with_tops({"head": _field_postings(by_field, tiers[0]), "papers": len(papers), "tiers": rest},
                               tiers[0], len(papers), posting.term, prefix=False)

    def prefix_entry(self, key: str, first: int, end: int) -> dict:
        """The prefix list KEY: the papers with any of terms FIRST..END-1 and their summed impacts,
        as one field, in a head and tiers like a common term's."""
        papers, impacts = self.impacts.summed(first, end)
        entry: dict = {"first": first, "end": end, "papers": len(papers)}
        if len(papers) <= 2 * self.layout.head_papers:
            entry["head"] = [[list(_gaps(papers.tolist())), impacts.tolist()]]
            entry["tiers"] = []
            return entry
        impact = dict(zip(papers.tolist(), impacts.tolist()))
        tiers = self._cut(papers, impacts)
        stored, left = tiers[1:1 + self.layout.prefix_tiers], tiers[1 + self.layout.prefix_tiers:]
        rest = []
        for tier in stored:
            rest.append([impact[tier[0]], len(tier), self._add_tier(_summed_postings(impact, tier))])
        if left:
            rest.append([impact[left[0][0]], sum(map(len, left)), NOT_STORED])
        entry["head"] = _summed_postings(impact, tiers[0])
        entry["tiers"] = rest
        return self._with_tops(entry, tiers[0], len(papers), key, prefix=True)

    def _cut(self, papers: np.ndarray, impacts: np.ndarray) -> list[list[int]]:
        """PAPERS by falling impact (equal impacts in paper order), in a head and growing tiers."""
        layout = self.layout
        by_impact = papers[np.lexsort((papers, -impacts))].tolist()
        tiers = []
        start, size = 0, layout.head_papers
        while start < len(by_impact):
            following = min(size * layout.tier_growth, layout.max_tier_papers)
            # A last tier less than half as big as it should be joins the one before: one fetch, not two.
            end = len(by_impact) if len(by_impact) - (start + size) < following // 2 else start + size
            tiers.append(by_impact[start:end])
            start, size = end, following
        return tiers


class _TopsFiles:
    """The tops files of common lists, and the manifest's map to them.

    The manifest lists the keys of the lists with a tops file, terms and prefix keys apart, each
    in index order: a query finds its lists' file there and fetches it with its first files,
    instead of in a round of its own once a posting or prefix file has named it. Key number i
    (terms first, then prefixes) has tops/i.json, unless another list's best papers are the same:
    then it is listed in "shared" as [i, the number of that list's file], and typing the next
    letter of a word is mostly a file already fetched.
    """

    def __init__(self, result_data: list[list]):
        self.result_data = result_data
        self.keys: dict[bool, list[str]] = {False: [], True: []}  # prefix? -> keys, in index order
        self.papers: dict[bool, list[tuple[int, ...]]] = {False: [], True: []}

    def add(self, key: str, prefix: bool, papers: tuple[int, ...]) -> None:
        self.keys[prefix].append(key)
        self.papers[prefix].append(papers)

    def _numbered(self) -> Iterator[tuple[int, tuple[int, ...]]]:
        yield from enumerate(self.papers[False] + self.papers[True])

    def _files(self) -> dict[tuple[int, ...], int]:
        """Papers -> the number of the first list with them as its best."""
        first: dict[tuple[int, ...], int] = {}
        for number, papers in self._numbered():
            first.setdefault(papers, number)
        return first

    def pieces(self) -> dict[str, bytes]:
        return {f"tops/{number}.json": dump_json([[paper, self.result_data[paper]] for paper in papers])
                for papers, number in self._files().items()}

    def manifest(self) -> dict:
        files = self._files()
        return {
            "terms": self.keys[False],
            "prefixes": self.keys[True],
            "shared": [[number, files[papers]] for number, papers in self._numbered() if files[papers] != number],
        }


def _summed_postings(impact: dict[int, int], papers: list[int]) -> list:
    """[[doc gaps, impacts]] of PAPERS, in paper order: a prefix list's one field."""
    chosen = sorted(papers)
    return [[list(_gaps(chosen)), [impact[paper] for paper in chosen]]]


def _json(data: list | dict) -> bytes:
    """dump_json's bytes; faster for what posting, tier and vector files mostly hold: lists of
    lists of integers."""
    if isinstance(data, list) and all(isinstance(item, list) and len(item) == 2 for item in data):
        return b"[" + b",".join(
            b"[[" + ",".join(map(str, first)).encode() + b"],[" + ",".join(map(str, second)).encode() + b"]]"
            for first, second in data
        ) + b"]"
    return dump_json(data)


def _field_postings(by_field: list[dict[int, int]], papers: list[int]) -> list:
    """Per field [doc gaps, weights] of PAPERS only, in paper order."""
    chosen = sorted(papers)
    out = []
    for field in by_field:
        numbers = [paper for paper in chosen if paper in field] if field else []
        out.append([list(_gaps(numbers)), [field[paper] for paper in numbers]])
    return out


def _numbers(gaps: Iterable[int]) -> Iterator[int]:
    number = 0
    for gap in gaps:
        number += gap
        yield number


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
