"""What one build can reuse from the previous one, held by the caller (`sitegen serve` keeps one).

Every entry is keyed by the full content it was computed from (listing bytes, the documents,
template and static file digests, a page's whole template context), never by file names or
times, so a hit is always what recomputing would give. Each memo keeps only what the last
successful build used, so the cache never grows beyond one site's worth.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from .fingerprint import HashedOnce
from .output import FileState
from .render.pages import PageJob, RenderMemos
from .render.theme import CompiledTemplates
from .search.documents import SearchDocument
from .search.files import SearchIndexer
from .search.index import analyze, serialized_index, term_pipeline
from .search.postings import count_terms, postings_from_counts
from .search.shards import Posting

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_ABSENT = object()


class Memo(Generic[K, V]):
    """Values by content key: those kept from the last good build and those this build used."""

    def __init__(self) -> None:
        self._kept: dict[K, V] = {}
        self._used: dict[K, V] = {}
        self._consulted = False

    def get(self, key: K, make: Callable[[], V]) -> V:
        self._consulted = True
        # One lookup per dict: hashing and comparing a key can cost more than the dict operation.
        value = self._used.get(key, _ABSENT)
        if value is _ABSENT:
            value = self._kept.get(key, _ABSENT)
            if value is _ABSENT:
                value = make()
            self._used[key] = value
        return value

    def start(self) -> None:
        # A build that failed half-way leaves entries nobody will ask for again.
        self._used = {}
        self._consulted = False

    def finish(self) -> None:
        # Not consulted at all means an enclosing memo answered (the archive, the whole render,
        # the search files): these entries are still what the next edit will need.
        if self._consulted:
            self._kept = self._used
        self._used = {}

    def __len__(self) -> int:
        return len(self._kept)


@dataclass
class BuildCache:
    """Memos for each stage, plus what the last build left in each output folder."""

    listings: Memo = field(default_factory=Memo)  # RawListing + names -> ParsedListing; Entry as parsed -> cleaned
    archives: Memo = field(default_factory=Memo)  # every RawListing + read problems + names -> Archive
    renders: Memo = field(default_factory=Memo)  # all render inputs -> every rendered file
    pages: Memo = field(default_factory=Memo)  # settings + one page's template, URL, context function, inputs -> bytes
    shared: Memo = field(default_factory=Memo)  # a summary, group, ... of the render -> the equal one made earlier
    # The same for the documents stage, apart: it runs on every build, the render not (a no-change
    # build answers from `renders`), and one memo for both would forget the render's objects then.
    shared_documents: Memo = field(default_factory=Memo)  # a paper's document -> the equal one made earlier
    templates: CompiledTemplates = field(default_factory=CompiledTemplates)  # template source -> compiled code
    markdown: Memo = field(default_factory=Memo)  # (Markdown text, top heading level) -> HTML
    paper_sources: Memo = field(default_factory=Memo)  # PaperDocument -> its published index.md
    search: Memo = field(default_factory=Memo)  # search documents + settings -> search files
    analyses: Memo = field(default_factory=Memo)  # SearchDocument -> its index contribution
    written: dict[str, dict[str, FileState]] = field(default_factory=dict)  # output folder -> files

    def memos(self) -> tuple[Memo, ...]:
        return (self.listings, self.archives, self.renders, self.pages, self.shared, self.shared_documents, self.markdown,
                self.paper_sources, self.search, self.analyses)

    def start(self) -> None:
        for memo in self.memos():
            memo.start()

    def finish(self) -> None:
        for memo in self.memos():
            memo.finish()


def page_memos(cache: BuildCache, settings: Hashable) -> RenderMemos:
    """render_site's lookups, backed by CACHE. SETTINGS stands for everything every page depends on
    besides its own context: the settings, the theme and the digest of all template files.

    A page is keyed by its context function and that function's inputs (see PageJob), not by the
    context: building and comparing ten thousand contexts would cost more than the edit. The inputs
    come from `shared`, which hands back the objects the last build used wherever they are equal, so
    for an unchanged page the key's hash is remembered and its comparison stops at identity.
    """
    # The very object the last build used, so comparing each page's key stops at identity.
    settings = cache.shared.get(HashedOnce(settings), lambda: HashedOnce(settings))

    def page(job: PageJob, make: Callable[[], bytes]) -> bytes:
        return cache.pages.get((settings, job.template, job.url, job.make_context, job.inputs), make)

    return RenderMemos(page=page, markdown=cache.markdown.get, paper_source=cache.paper_sources.get,
                       shared=cache.shared.get, templates=cache.templates)


def search_index_maker(cache: BuildCache) -> SearchIndexer:
    """The search stage's indexing, reusing each unchanged paper's analysis (the per-word work) from CACHE."""

    def single_index(documents: tuple[SearchDocument, ...]) -> dict:
        term_of = term_pipeline()
        analyzed = [cache.analyses.get(document, lambda document=document: analyze(document, term_of))
                    for document in documents]
        return serialized_index(documents, analyzed)

    def postings(documents: tuple[SearchDocument, ...]) -> list[Posting]:
        term_of = term_pipeline()
        # Keyed apart from the analyses with positions: a site crossing the shard threshold
        # between two builds asks for the other kind.
        return postings_from_counts(
            cache.analyses.get((document, "term counts"), lambda document=document: count_terms(document, term_of))
            for document in documents)

    return SearchIndexer(single_index, postings)


def folders_digest(folders: Iterable[Path]) -> str:
    """A digest of every file (path and bytes) under FOLDERS, in order; a missing folder counts as empty."""
    digest = hashlib.blake2b(digest_size=16)
    for number, folder in enumerate(folders):
        digest.update(f"\0layer {number}\0".encode())
        for path in sorted(_files_under(folder)) if folder.is_dir() else []:
            digest.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            data = path.read_bytes()
            digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def _files_under(folder: Path) -> list[Path]:
    found = []
    # Followed like Jinja's loader follows them, so a linked template folder's edits are seen.
    for parent, _, names in os.walk(folder, followlinks=True):
        found.extend(Path(parent) / name for name in names)
    return found
