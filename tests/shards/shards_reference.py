"""The browser's sharded search (static/search/sharded.js) step for step in Python, over built files.

It reads only the files a query needs, as the browser does, and records which ones, so tests
can check both the results and what a query downloads. Term expansion uses lunr.py's own
TokenSet and query parser, the way sharded.js uses lunr.js's.
"""

from __future__ import annotations

import bisect
import json
import math

from lunr.query import Query, QueryPresence
from lunr.query_parser import QueryParser
from lunr.token_set import TokenSet

from sitegen.search.stemmer import lunr_js_pipeline


def _utf16(term: str) -> bytes:
    return term.encode("utf-16-be", "surrogatepass")


class ShardedReader:
    def __init__(self, files: dict[str, bytes], search_dir: str = "search"):
        self.files = files
        self.dir = search_dir
        self.manifest = json.loads(files[f"{search_dir}/manifest.json"])
        self.fields = self.manifest["fields"]
        self.count = self.manifest["papers"]
        self.pipeline = lunr_js_pipeline(self.manifest["pipeline"])
        self.postings: dict[str, list[tuple[list[int], list[float]]]] = {}
        self.term_lists: dict[int, list[str]] = {}
        self.fetched: set[str] = set()

    def _read(self, name: str):
        self.fetched.add(name)
        return json.loads(self.files[f"{self.dir}/{name}"])

    def _file_for(self, firsts: list[str], term: str) -> int:
        return bisect.bisect_right([_utf16(first) for first in firsts], _utf16(term)) - 1

    def _load_postings(self, number: int) -> None:
        shard = self._read(f"postings/{number}.json")
        scale = self.manifest["weight_scale"]
        for term, by_field in zip(shard["terms"], shard["postings"]):
            decoded = []
            for gaps, weights in by_field:
                docs, doc = [], 0
                for gap in gaps:
                    doc += gap
                    docs.append(doc)
                decoded.append((docs, [weight / scale for weight in weights]))
            self.postings[term] = decoded

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

    def query(self, query: Query) -> list[tuple[str, float]]:
        """[(paper id, score)] best first, as lunr's Index.query would rank them."""
        field_number = {name: number for number, name in enumerate(self.fields)}
        query_vectors: list[dict[str, float]] = [{} for _ in self.fields]
        seen: set[str] = set()
        matched: list[set[int]] = [set() for _ in self.fields]
        order: list[int] = []
        met: set[int] = set()
        required: dict[int, set[int] | None] = {}  # None: not restricted (lunr's complete set)
        prohibited: dict[int, set[int]] = {}

        for clause in query.clauses:
            terms = (self.pipeline.run_string(clause.term, {"fields": clause.fields})
                     if clause.use_pipeline else [clause.term])
            expansions = [self._expand(clause, term) for term in terms]
            is_required = clause.presence == QueryPresence.REQUIRED
            is_prohibited = clause.presence == QueryPresence.PROHIBITED
            clause_matches: set[int] = set()
            for expanded in expansions:
                if not expanded and is_required:
                    for field in clause.fields:
                        required[field_number[field]] = set()
                    break
                for term in expanded:
                    for field in clause.fields:
                        number = field_number[field]
                        docs = self.postings[term][number][0]
                        term_field = f"{term}/{field}"
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
                for field in clause.fields:
                    number = field_number[field]
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
                docs, weights = self.postings[term][number]
                for doc, weight in zip(docs, weights):
                    total[doc] = total.get(doc, 0.0) + boost * weight
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

    def paper_id(self, doc: int) -> str:
        per_file = self.manifest["documents"]["per_file"]
        name = f"{self.dir}/docs/{doc // per_file}.json"
        return json.loads(self.files[name])[doc % per_file][0]
