"""The browser's sharded search (static/search/sharded.js) step for step in Python, over built files.

It reads only the files a query needs, as the browser does, and records which ones, so tests
can check both the results and what a query downloads. Term expansion uses lunr.py's own
TokenSet and query parser, the way sharded.js uses lunr.js's.

`query` ranks every match, fetching every tier of a common term first; `top` ranks only the
best K of a plain query (every clause optional and over every field, not fuzzy), fetching a
term's tiers only while a paper not yet seen in them could still change those K; there a
trailing wildcard reads its prefix list instead of each term it expands to.
"""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass

from lunr.query import Query, QueryPresence
from lunr.query_parser import QueryParser
from lunr.token_set import TokenSet

from sitegen.search.stemmer import lunr_js_pipeline


def _utf16(term: str) -> bytes:
    return term.encode("utf-16-be", "surrogatepass")


@dataclass
class _Tiers:
    """A common term's tiers: [highest impact, papers, file] each, and how many are loaded."""

    rest: list[list[int]]
    papers: int
    loaded: int = 0

    @property
    def finished(self) -> bool:
        return self.loaded == len(self.rest)

    @property
    def bound(self) -> int:
        """The highest impact (in thousandths) of a paper not loaded yet."""
        return 0 if self.finished else self.rest[self.loaded][0]


@dataclass
class TopHits:
    hits: list[tuple[str, float]]  # the best K (paper id, score), best first
    at_least: int  # papers matching the query: exact when `complete`, else a lower bound
    complete: bool = False
    rounds: int = 0  # how many times it fetched more tiers or vectors


def _running_sum(gaps):
    total = 0
    for gap in gaps:
        total += gap
        yield total


# Past this many papers whose rank is open, fetching the next tiers is cheaper than their vectors.
MAX_VECTORS = 8
MAX_RIVAL_VECTORS = 32
REQUEST_COSTS = 500  # what one request costs, in papers of a tier (mostly time: see sharded.js)
VECTOR_COSTS = REQUEST_COSTS + 150  # one paper's vector: a request and its bytes
MAX_TIERS_A_ROUND = 2  # of one term, fetched at once
NOT_STORED = -1  # the file of a prefix list's last papers, left out of the index


class _NotStored(Exception):
    """The best K need more of a prefix list than the index stores."""


PREFIX_LIST = " "  # prefix lists are kept beside terms under this + their key: no term holds a space


class ShardedReader:
    def __init__(self, files: dict[str, bytes], search_dir: str = "search"):
        self.files = files
        self.dir = search_dir
        self.manifest = json.loads(files[f"{search_dir}/manifest.json"])
        self.fields = self.manifest["fields"]
        self.count = self.manifest["papers"]
        self.scale = self.manifest["weight_scale"]
        self.pipeline = lunr_js_pipeline(self.manifest["pipeline"])
        # term -> per field {paper number: weight in thousandths}, for the papers loaded so far
        self.postings: dict[str, list[dict[int, int]]] = {}
        self.tiers: dict[str, _Tiers] = {}
        self.numbers: dict[str, int] = {}  # a term's number in the papers' vectors
        self.posting_terms: dict[int, list[str]] = {}
        self.prefix_keys: dict[int, list[str]] = {}
        self.prefix_ranges: dict[str, tuple[int, int]] = {}  # PREFIX_LIST + key -> its terms' numbers
        self.vectors: dict[int, dict[int, int]] = {}  # paper -> {term number: impact}
        self.term_lists: dict[int, list[str]] = {}
        self.fetched: set[str] = set()
        self.fell_back = False  # a top K went past a prefix list's stored papers

    def _read(self, name: str):
        self.fetched.add(name)
        return json.loads(self.files[f"{self.dir}/{name}"])

    def _file_for(self, firsts: list[str], term: str) -> int:
        return bisect.bisect_right([_utf16(first) for first in firsts], _utf16(term)) - 1

    def _add(self, term: str, by_field: list) -> None:
        postings = self.postings.setdefault(term, [{} for _ in self.fields])
        for known, (gaps, weights) in zip(postings, by_field):
            doc = 0
            for gap, weight in zip(gaps, weights):
                doc += gap
                known[doc] = weight

    def _load_postings(self, number: int) -> None:
        shard = self._read(f"postings/{number}.json")
        self.posting_terms[number] = shard["terms"]
        for position, (term, entry) in enumerate(zip(shard["terms"], shard["postings"])):
            self.numbers[term] = shard["first"] + position
            if isinstance(entry, dict):
                self._add(term, entry["head"])
                self.tiers[term] = _Tiers(entry["tiers"], entry["papers"])
            else:
                self._add(term, entry)

    def _load_prefixes(self, number: int) -> None:
        shard = self._read(f"prefixes/{number}.json")
        self.prefix_keys[number] = shard["keys"]
        for key, entry in zip(shard["keys"], shard["entries"]):
            self.prefix_ranges[PREFIX_LIST + key] = (entry["first"], entry["end"])
            self._add(PREFIX_LIST + key, entry["head"])
            self.tiers[PREFIX_LIST + key] = _Tiers(entry["tiers"], entry["papers"])

    def _first_at_or_after(self, kind: str, text: str) -> str | None:
        """The first posting term or prefix key at or after TEXT: in the file TEXT sorts into, or first in the next."""
        firsts = self.manifest["prefixes"]["files"] if kind == "prefixes" else self.manifest["postings"]
        loaded = self.prefix_keys if kind == "prefixes" else self.posting_terms
        load = self._load_prefixes if kind == "prefixes" else self._load_postings
        for number in range(max(0, self._file_for(firsts, text)), len(firsts)):
            if number not in loaded:
                load(number)
            items = loaded[number]
            at = bisect.bisect_left([_utf16(item) for item in items], _utf16(text))
            if at < len(items):
                return items[at]
        return None

    def _listable_prefix(self, clause, term: str) -> str | None:
        prefixes = self.manifest.get("prefixes")
        if not prefixes or clause.edit_distance > 0 or term.find("*") != len(term) - 1:
            return None
        prefix = term[:-1]
        return prefix if len(prefix) >= prefixes["min_length"] else None

    def _resolve_prefix(self, prefix: str) -> tuple[str | None, list[str]]:
        """(the prefix list P* reads, or None and the at most one term it expands to)."""
        key = self._first_at_or_after("prefixes", prefix)
        if key is not None and key.startswith(prefix):
            return PREFIX_LIST + key, []
        term = self._first_at_or_after("postings", prefix)
        return None, [term] if term is not None and term.startswith(prefix) else []

    def _vector_impact(self, doc: int, key: str) -> int:
        first, end = self.prefix_ranges.get(key) or (self.numbers[key], self.numbers[key] + 1)
        return sum(impact for number, impact in self.vectors[doc].items() if first <= number < end)

    def _load_next_tier(self, term: str) -> None:
        tiers = self.tiers[term]
        if tiers.rest[tiers.loaded][2] == NOT_STORED:
            raise _NotStored(term)
        self._add(term, self._read(f"tiers/{tiers.rest[tiers.loaded][2]}.json"))
        tiers.loaded += 1

    def _load_vector(self, doc: int) -> None:
        per_file = self.manifest["documents"]["per_file"]
        gaps, impacts = self._read(f"vectors/{doc // per_file}.json")[doc % per_file]
        self.vectors[doc] = dict(zip(_running_sum(gaps), impacts))

    def _finished(self, term: str) -> bool:
        return term not in self.tiers or self.tiers[term].finished

    def _term_files(self, prefix: str) -> range:
        firsts = self.manifest["terms"]
        first = max(0, self._file_for(firsts, prefix))
        last = self._file_for(firsts, prefix + "\uffff") if prefix else len(firsts) - 1
        return range(first, last + 1)

    @staticmethod
    def _needs_term_list(clause, term: str) -> bool:
        return clause.edit_distance > 0 or "*" in term

    @staticmethod
    def _prefix(clause, term: str) -> str:
        return "" if clause.edit_distance > 0 else term[: term.index("*")]

    def _expand(self, clause, term: str) -> list[str]:
        if not self._needs_term_list(clause, term):
            number = self._file_for(self.manifest["postings"], term)
            if number >= 0 and f"postings/{number}.json" not in self.fetched:
                self._load_postings(number)
            return [term] if term in self.postings else []
        prefix = self._prefix(clause, term)
        candidates = []
        for number in self._term_files(prefix):
            if number not in self.term_lists:
                self.term_lists[number] = self._read(f"terms/{number}.json")
            candidates += [word for word in self.term_lists[number] if word.startswith(prefix)]
        if not candidates:
            return []
        clause.term = term
        expanded = TokenSet.from_list(candidates).intersect(TokenSet.from_clause(clause)).to_list()
        for word in expanded:
            number = self._file_for(self.manifest["postings"], word)
            if f"postings/{number}.json" not in self.fetched:
                self._load_postings(number)
        return expanded

    def new_query(self) -> Query:
        return Query(self.fields)

    def search(self, text: str) -> list[tuple[str, float]]:
        query = self.new_query()
        QueryParser(text, query).parse()
        return self.query(query)

    def _plan(self, query: Query) -> list[tuple[object, list[list[str]]]]:
        plans = []
        for clause in query.clauses:
            terms = (self.pipeline.run_string(clause.term, {"fields": clause.fields})
                     if clause.use_pipeline else [clause.term])
            plans.append((clause, [self._expand(clause, term) for term in terms]))
        return plans

    def is_plain(self, query: Query) -> bool:
        """Every clause optional, over every field and not fuzzy: the score is a sum of impacts."""
        return bool(query.clauses) and all(
            clause.presence == QueryPresence.OPTIONAL and clause.edit_distance == 0
            and sorted(clause.fields) == sorted(self.fields)
            for clause in query.clauses
        )

    def query(self, query: Query) -> list[tuple[str, float]]:
        """[(paper id, score)] best first, as lunr's Index.query would rank them."""
        plans = self._plan(query)
        for _, expansions in plans:
            for term in {term for expanded in expansions for term in expanded}:
                while not self._finished(term):
                    self._load_next_tier(term)
        field_number = {name: number for number, name in enumerate(self.fields)}
        query_vectors: list[dict[str, float]] = [{} for _ in self.fields]
        seen: set[str] = set()
        matched: list[set[int]] = [set() for _ in self.fields]
        order: list[int] = []
        met: set[int] = set()
        required: dict[int, set[int] | None] = {}  # None: not restricted (lunr's complete set)
        prohibited: dict[int, set[int]] = {}

        for clause, expansions in plans:
            is_required = clause.presence == QueryPresence.REQUIRED
            is_prohibited = clause.presence == QueryPresence.PROHIBITED
            clause_matches: set[int] = set()
            for expanded in expansions:
                if not expanded and is_required:
                    for name in clause.fields:
                        required[field_number[name]] = set()
                    break
                for term in expanded:
                    for name in clause.fields:
                        number = field_number[name]
                        docs = sorted(self.postings[term][number])
                        term_field = f"{term}/{name}"
                        if is_required:
                            clause_matches.update(docs)
                            required.setdefault(number, None)
                        elif is_prohibited:
                            prohibited.setdefault(number, set()).update(docs)
                            seen.add(term_field)
                            continue
                        query_vectors[number][term] = query_vectors[number].get(term, 0) + clause.boost
                        if term_field in seen:
                            continue
                        for doc in docs:
                            matched[number].add(doc)
                            if doc not in met:
                                met.add(doc)
                                order.append(doc)
                        seen.add(term_field)
            if is_required:
                for name in clause.fields:
                    number = field_number[name]
                    current = required[number]
                    required[number] = clause_matches if current is None else current & clause_matches

        all_required: set[int] | None = None
        for restriction in required.values():
            if restriction is not None:
                all_required = restriction if all_required is None else all_required & restriction
        all_prohibited = set().union(*prohibited.values()) if prohibited else set()

        if query.is_negated():
            order = list(range(self.count))
            matched = [set(order) for _ in self.fields]

        sums: list[dict[int, float]] = []
        magnitudes = []
        for number, vector in enumerate(query_vectors):
            total: dict[int, float] = {}
            for term, boost in vector.items():
                for doc, weight in sorted(self.postings[term][number].items()):
                    total[doc] = total.get(doc, 0.0) + boost * (weight / self.scale)
            sums.append(total)
            magnitudes.append(math.sqrt(sum(boost * boost for boost in vector.values())))

        hits = []
        for doc in order:
            if (all_required is not None and doc not in all_required) or doc in all_prohibited:
                continue
            score = 0.0
            for number in range(len(self.fields)):
                if doc in matched[number] and magnitudes[number]:
                    score += sums[number].get(doc, 0.0) / magnitudes[number]
            hits.append((doc, score))
        hits.sort(key=lambda hit: -hit[1])
        return [(self.paper_id(doc), score) for doc, score in hits]

    def top(self, query: Query, k: int, word_by_word: bool = False) -> TopHits:
        """The best K of a plain query, ranked as lunr would, from as few tiers as that needs."""
        if not self.is_plain(query):
            hits = self.query(query)
            return TopHits(hits[:k], len(hits), complete=True)
        try:
            return self._top(query, k, word_by_word)
        except _NotStored:
            self.fell_back = True
            return self.top(query, k, word_by_word=True)

    def _top(self, query: Query, k: int, word_by_word: bool) -> TopHits:
        vector: dict[str, float] = {}  # the query vector, the same in every field: term or prefix list -> boost
        exact_terms: dict[str, float] = {}
        ranges: list[tuple[int, int, float]] = []
        for clause in query.clauses:
            terms = (self.pipeline.run_string(clause.term, {"fields": clause.fields})
                     if clause.use_pipeline else [clause.term])
            prefix = self._listable_prefix(clause, terms[0]) if len(terms) == 1 and not word_by_word else None
            if prefix is not None:
                key, expanded = self._resolve_prefix(prefix)
                if key is not None:
                    vector[key] = vector.get(key, 0) + clause.boost
                    ranges.append((*self.prefix_ranges[key], clause.boost))
                    continue
                expansions = [expanded]
            else:
                expansions = [self._expand(clause, term) for term in terms]
            for expanded in expansions:
                for term in expanded:
                    vector[term] = vector.get(term, 0) + clause.boost
                    exact_terms[term] = exact_terms.get(term, 0) + clause.boost
        magnitude = math.sqrt(self._squared_magnitude(exact_terms, ranges))
        terms = list(vector)
        factor = {term: (vector[term] / magnitude if magnitude else 0.0) / self.scale for term in terms}
        rounds = 0
        while True:
            ranked, unseen_bound = self._bounds(terms, factor)
            wanted, papers = self._to_fetch(ranked, unseen_bound, terms, factor, k)
            if not wanted and not papers:
                break
            rounds += 1
            for term in wanted:
                self._load_next_tier(term)
            for doc in papers:
                self._load_vector(doc)
        complete = all(self._finished(term) for term in terms)
        at_least = max([len(ranked)] + [self.tiers[term].papers for term in terms if term in self.tiers])
        shown = [(self.paper_id(doc), self._score(doc, vector, magnitude)
                  if exact and doc not in self.vectors and not ranges else lower)
                 for doc, lower, _, exact, _ in ranked[:k]]
        return TopHits(shown, len(ranked) if complete else at_least, complete, rounds)

    def _squared_magnitude(self, exact_terms: dict[str, float], ranges: list[tuple[int, int, float]]) -> float:
        """|query vector|^2: each of EXACT_TERMS has its boost plus those of the prefix RANGES it
        is in, and every other term in a range theirs."""
        def covering(number: int) -> float:
            return sum(boost for first, end, boost in ranges if first <= number < end)
        points = sorted(point for first, end, _ in ranges for point in (first, end))
        squares = 0.0
        for here, after in zip(points, points[1:]):
            squares += (after - here) * covering(here) ** 2
        for term, boost in exact_terms.items():
            around = covering(self.numbers[term])
            squares += (boost + around) ** 2 - around ** 2
        return squares

    def _bounds(self, terms: list[str], factor: dict[str, float]):
        """Every paper seen so far as (doc, lower, upper, exact, unseen terms), best lower first,
        and the highest score a paper not seen at all could have."""
        unfinished = [term for term in terms if not self._finished(term)]
        unseen_bound = sum(factor[term] * self.tiers[term].bound for term in unfinished)
        impacts: dict[int, dict[str, int]] = {}
        for term in terms:
            for weights in self.postings[term]:
                for doc in sorted(weights):
                    known = impacts.setdefault(doc, {})
                    known[term] = known.get(term, 0) + weights[doc]
        ranked = []
        for doc, known in impacts.items():  # in the order first met
            if doc in self.vectors:  # every term's impact is known, zero where absent
                for term in terms:
                    if term in self.tiers:
                        known[term] = self._vector_impact(doc, term)
            lower = sum(factor[term] * known[term] for term in terms if term in known)
            missing = [term for term in unfinished if term not in known]
            upper = lower + sum(factor[term] * self.tiers[term].bound for term in missing)
            ranked.append((doc, lower, upper, not missing, missing))
        ranked.sort(key=lambda entry: -entry[1])
        return ranked, unseen_bound

    def _to_fetch(self, ranked, unseen_bound: float, terms: list[str], factor, k: int):
        """(terms whose next tier, papers whose vector) could change the best K; none once they are certain."""
        unfinished = [term for term in terms if not self._finished(term)]
        if not unfinished:
            return [], []
        if len(ranked) < k:
            return unfinished, []
        best_after = [unseen_bound] * (len(ranked) + 1)
        for position in range(len(ranked) - 1, -1, -1):
            best_after[position] = max(best_after[position + 1], ranked[position][2])
        open_places = [position for position in range(min(k, len(ranked)))
                       if ranked[position][1] < best_after[position + 1]]
        if not open_places:
            return [], []
        # Open places in rank order: the vectors of the papers that could overtake them settle as
        # many as MAX_VECTORS allow; tiers, or vectors where cheaper, the rest (from the first place left).
        chosen: set[int] = set()
        rivals: set[int] = set()
        left, lowest = None, math.inf
        for position in open_places:
            threshold = ranked[position][1]
            theirs = [rank for rank in range(position + 1, len(ranked))
                      if ranked[rank][2] > threshold and rank not in chosen]
            if left is None and len(chosen) + len(theirs) > MAX_VECTORS:
                left = position
            if left is None:
                chosen.update(theirs)
                lowest = min(lowest, threshold)
            else:
                rivals.update(theirs)
        papers = [ranked[rank][0] for rank in sorted(chosen)]
        bar = lowest if left is None else ranked[left][1]
        open_ = [(0.0, unfinished)] if unseen_bound > bar else []
        opponents = 0
        if left is not None:
            for rank in range(left + 1, len(ranked)):
                if ranked[rank][2] > bar and rank not in chosen:
                    open_.append((ranked[rank][1], ranked[rank][4]))
                    opponents += 1
        others = [ranked[rank][0] for rank in sorted(rivals, key=lambda rank: (-ranked[rank][2], rank))]
        # The best K's own vectors first where only their lower bounds are known: they raise the bar.
        unsure = [ranked[rank][0] for rank in range(min(k, len(ranked))) if not ranked[rank][3] and rank not in chosen]
        rival_vectors = unsure or others[:MAX_RIVAL_VECTORS]
        if (opponents and unseen_bound <= ranked[min(k, len(ranked)) - 1][1] and opponents <= MAX_RIVAL_VECTORS
                and opponents * VECTOR_COSTS < self._tiers_cost(self._cheapest_tiers(open_, bar, unfinished, factor, math.inf))):
            papers += rival_vectors  # they cost less than the tiers that would settle them
            wanted = []
        else:
            wanted = self._cheapest_tiers(open_, bar, unfinished, factor, MAX_TIERS_A_ROUND) if open_ else []
            if not wanted:  # only papers a prefix list leaves out could lower the rivals' bounds
                papers += rival_vectors
        if papers or wanted:
            return wanted, papers
        # A paper seen nowhere could still be among the K, and only left-out papers could tell.
        left_out = [term for term in unfinished if not self._next_tier_stored(term)] or unfinished
        return left_out[:1], []

    def _tiers_cost(self, wanted: list[str]) -> int:
        """What fetching the tiers WANTED (a term once per tier, in order) costs, in papers of a tier."""
        taken: dict[str, int] = {}
        papers = 0
        for term in wanted:
            tiers = self.tiers[term]
            papers += tiers.rest[tiers.loaded + taken.get(term, 0)][1] + REQUEST_COSTS
            taken[term] = taken.get(term, 0) + 1
        return papers

    def _next_tier_stored(self, term: str) -> bool:
        tiers = self.tiers[term]
        return tiers.rest[tiers.loaded][2] != NOT_STORED

    def _cheapest_tiers(self, open_, threshold: float, unfinished: list[str], factor, depth_limit: float) -> list[str]:
        """Tiers to fetch now (a term once per tier), chosen greedily by how much each lowers the
        upper bounds of the OPEN papers ((lower bound, terms not seen)) above THRESHOLD, per paper
        fetched; a term may give up to DEPTH_LIMIT tiers. A paper no stored tier can settle is left
        to its vector."""
        depth = {term: 0 for term in unfinished}

        def bound_at(term: str, more: int) -> int:
            tiers = self.tiers[term]
            return tiers.rest[tiers.loaded + more][0] if tiers.loaded + more < len(tiers.rest) else 0

        def cut(term: str) -> float:
            return factor[term] * (bound_at(term, depth[term]) - bound_at(term, depth[term] + 1))

        def available(term: str) -> bool:  # prefix lists' left-out papers are never chosen here
            tiers = self.tiers[term]
            return (depth[term] < depth_limit and tiers.loaded + depth[term] < len(tiers.rest)
                    and tiers.rest[tiers.loaded + depth[term]][2] != NOT_STORED)

        def floor(term: str) -> int:  # the highest impact left once every stored tier is in
            tiers = self.tiers[term]
            return next((tier[0] for tier in tiers.rest[tiers.loaded:] if tier[2] == NOT_STORED), 0)

        excess = [0.0 if lower + sum(factor[term] * floor(term) for term in missing) > threshold
                  else lower + sum(factor[term] * self.tiers[term].bound for term in missing) - threshold
                  for lower, missing in open_]
        while True:
            best, best_gain = None, 0.0
            for term in unfinished:
                if not available(term):
                    continue
                lowers = cut(term)
                gain = sum(min(over, lowers) for over, (_, missing) in zip(excess, open_) if over > 0 and term in missing)
                gain /= self.tiers[term].rest[self.tiers[term].loaded + depth[term]][1]
                if gain > best_gain:
                    best, best_gain = term, gain
            if best is None:
                if not any(depth.values()):  # no tier lowers a bound (the next starts at the same impact): fetch them all the same
                    for term in unfinished:
                        if available(term) and any(over > 0 and term in missing
                                                   for over, (_, missing) in zip(excess, open_)):
                            depth[term] = 1
                break
            lowered = cut(best)
            depth[best] += 1
            excess = [over - lowered if best in missing else over for over, (_, missing) in zip(excess, open_)]
            if all(over <= 0 for over in excess):
                break
        return [term for term in unfinished for _ in range(depth[term])]

    def _score(self, doc: int, vector: dict[str, float], magnitude: float) -> float:
        """lunr's score of DOC, with every weight known: the same operations as `query`."""
        score = 0.0
        for number in range(len(self.fields)):
            total = 0.0
            present = False
            for term, boost in vector.items():
                weight = self.postings[term][number].get(doc)
                if weight is not None:
                    total += boost * (weight / self.scale)
                    present = True
            if present and magnitude:
                score += total / magnitude
        return score

    def paper_id(self, doc: int) -> str:
        per_file = self.manifest["documents"]["per_file"]
        name = f"{self.dir}/docs/{doc // per_file}.json"
        return json.loads(self.files[name])[doc % per_file][0]
