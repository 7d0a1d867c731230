"""The one build: sitegen.toml + content/ in, a complete static site out.

Content is loaded into plain data in memory; pages are then rendered one at a time and each is
written as soon as it is made, so memory does not grow with the size of the rendered site. The
writer replaces nothing until every file is made: a failure anywhere leaves the previous site untouched.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .background import in_background
from .build_cache import BuildCache, folders_digest, page_memos, search_index_maker
from .config import SiteConfig, load_config, parse_config
from .documents import Documents, make_documents, read_sources
from .errors import BuildFailed, SitegenError
from .ingest import build_archive, load_archive, parse_listing, read_listings
from .model import Archive, Diagnostic
from .output import write_site
from .render.pages import Progress, render_site
from .render.theme import Theme, resolve_theme
from .search.documents import search_documents
from .search.files import search_files_for


# Above this many papers a clean build makes the search index in a second process while this
# one renders pages: each takes seconds there, and starting the process takes about 0.3 s.
PARALLEL_SEARCH_MIN_PAPERS = 2000


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    written: int  # files whose bytes were written
    unchanged: int  # files left as they were (incremental builds)
    removed: int  # files of the previous build no longer produced
    pages: int  # HTML pages in the site
    diagnostics: tuple[Diagnostic, ...]
    timings: tuple[tuple[str, float], ...]  # (stage, seconds), in pipeline order

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")


def build(project: Path, *, out_dir: Path | None = None, base_url: str | None = None,
          incremental: bool = False, progress: Progress | None = None,
          cache: BuildCache | None = None, source_date_epoch: int | None = None) -> BuildResult:
    """Build the site. CACHE, kept by the caller from one build to the next, lets a rebuild reuse
    whatever its inputs did not change; the output is byte-identical either way.
    SOURCE_DATE_EPOCH (the feed's date) defaults to the environment variable of that name."""
    with _settled_heap() as settle:
        return _build(project, out_dir, base_url, incremental, progress, cache, source_date_epoch, settle)


def _build(project: Path, out_dir: Path | None, base_url: str | None, incremental: bool,
           progress: Progress | None, cache: BuildCache | None, source_date_epoch: int | None,
           settle: Callable[[], None]) -> BuildResult:
    timings: dict[str, float] = {}
    if cache is not None:
        cache.start()
    with _timed(timings, progress, "config"):
        config = _with_base_url(load_config(project), base_url)
        theme = resolve_theme(config.root, config.theme)
        target = out_dir if out_dir is not None else config.output_path
        if source_date_epoch is None:
            source_date_epoch = _source_date_epoch()
    with _timed(timings, progress, "ingest"):
        archive = load_archive(config) if cache is None else _cached_archive(config, cache)
    if archive.errors:
        raise BuildFailed(archive.diagnostics)
    settle()
    with _timed(timings, progress, "documents"):
        sources = read_sources(config.content_path, config.root)
        documents = make_documents(archive, sources.overrides, sources.pages, config.collection_names,
                                   shared=None if cache is None else cache.shared_documents.get)
    settle()
    diagnostics = archive.diagnostics + sources.diagnostics + documents.diagnostics
    # Forgotten first: if writing fails half-way, nothing on disk is vouched for.
    known = None if cache is None else cache.written.pop(str(target.resolve()), {})
    meter = _Meter(timings, progress)
    with _search_job(documents, config, cache) as search_files:
        files = meter.files([
            ("render", lambda: _render(config, archive, documents, theme, progress, source_date_epoch, cache)),
            # Last, so that a search job running in another process has the whole render to finish in;
            # what is timed here is then only the wait for it.
            ("search", lambda: search_files().items()),
        ])
        started = time.perf_counter()
        try:
            report = write_site(files, target, project=config.root, incremental=incremental, known=known)
        except BaseException:
            if known is not None and not meter.complete:
                # write_site replaces nothing before the last file is made: the folder is as the last build left it.
                cache.written[str(target.resolve())] = known
            raise
        timings["write"] = time.perf_counter() - started - timings["render"] - timings["search"]
    if cache is not None:
        cache.written = {str(target.resolve()): dict(report.states)}
        cache.finish()
    return BuildResult(
        out_dir=target,
        written=report.written,
        unchanged=report.unchanged,
        removed=report.removed,
        pages=meter.pages,
        diagnostics=diagnostics,
        timings=tuple(timings.items()),
    )


@contextmanager
def _search_job(documents: Documents, config: SiteConfig,
                cache: BuildCache | None) -> Iterator[Callable[[], dict[str, bytes]]]:
    """A function giving the search files; for a large clean build they are made meanwhile in a second process."""
    threshold = config.search_shard_threshold
    searchable = search_documents(documents)
    if cache is not None:
        yield lambda: cache.search.get((searchable, threshold),
                                       lambda: search_files_for(searchable, threshold, search_index_maker(cache)))
    elif len(searchable) < PARALLEL_SEARCH_MIN_PAPERS or (os.cpu_count() or 1) < 2:
        yield lambda: search_files_for(searchable, threshold)
    else:
        # Only what search needs crosses to the other process: half the bytes of the documents.
        with in_background(search_files_for, searchable, threshold) as result:
            yield result


def _cached_archive(config: SiteConfig, cache: BuildCache) -> Archive:
    """load_archive, reusing the parse of every listing whose bytes did not change, and in a listing
    that did change, the cleaning of every entry that did not."""
    raw_listings, read_problems = read_listings(config)
    names = tuple(sorted(config.collection_names.items()))

    def parse_all() -> Archive:
        # The listings memo keeps each parsed entry's cleaned form too (keyed by the Entry).
        parsed = [cache.listings.get((raw, names), lambda raw=raw: parse_listing(
                      raw, config.collection_names, lookup=cache.listings.get))
                  for raw in raw_listings]
        return build_archive(parsed, read_problems)

    return cache.archives.get((raw_listings, read_problems, names), parse_all)


def _render(config: SiteConfig, archive: Archive, documents: Documents, theme: Theme, progress: Progress | None,
            source_date_epoch: int | None, cache: BuildCache | None) -> Iterable[tuple[str, bytes]]:
    if cache is None:
        return render_site(config, archive, documents, theme, progress=progress,
                           source_date_epoch=source_date_epoch)
    # Everything render_site reads: settings, data, and the template and static files of every layer.
    templates = folders_digest([config.root / "templates", *(folder / "templates" for folder in theme.folders)])
    statics = folders_digest([config.root / "static", *(folder / "static" for folder in theme.folders)])
    key = (repr(config), theme, templates, statics, archive, documents, source_date_epoch)
    # Held whole: the next build answers from it when nothing it depends on changed.
    return cache.renders.get(key, lambda: tuple(render_site(
        config, archive, documents, theme, progress=progress, source_date_epoch=source_date_epoch,
        memos=page_memos(cache, (repr(config), theme, templates)))))


def _with_base_url(config: SiteConfig, base_url: str | None) -> SiteConfig:
    if base_url is None:
        return config
    # Validated and normalized by the same rule as the setting in sitegen.toml.
    checked = parse_config(config.root, {"base_url": base_url}).base_url
    return dataclasses.replace(config, base_url=checked)


def _source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise SitegenError("config", None, f"SOURCE_DATE_EPOCH must be a whole number of seconds, got {value!r}")
    return int(value)


@dataclass
class _Meter:
    """Times the making of the files the writer pulls, by stage, and counts the pages among them."""

    timings: dict[str, float]
    progress: Progress | None
    pages: int = 0
    complete: bool = False  # every file was made

    def files(self, stages: list[tuple[str, Callable[[], Iterable[tuple[str, bytes]]]]]
              ) -> Iterator[tuple[str, bytes]]:
        """The files of each stage in turn, made only as they are pulled."""
        for stage, _ in stages:
            self.timings[stage] = 0.0
        for stage, make in stages:
            if self.progress:
                self.progress(stage, 0, 0)
            start = time.perf_counter()
            files = iter(make())
            self.timings[stage] += time.perf_counter() - start
            while True:
                start = time.perf_counter()
                item = next(files, None)
                self.timings[stage] += time.perf_counter() - start
                if item is None:
                    break
                self.pages += item[0].endswith(".html")
                yield item
        self.complete = True
        if self.progress:
            self.progress("write", 0, 0)


@contextmanager
def _settled_heap() -> Iterator[Callable[[], None]]:
    """Yields a function that takes every object alive so far out of the garbage collector's full
    passes until the build ends. The archive and documents of a large site are millions of objects
    that live through the whole build: at 100,000 papers, full passes over them took a third of the
    render's time, growing faster than the archive. Frozen, a pass costs only what pages allocate."""
    if not gc.isenabled() or gc.get_freeze_count():
        # The caller manages the collector, or froze objects of its own: leave it to the caller.
        yield lambda: None
        return
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()


@contextmanager
def _timed(timings: dict[str, float], progress: Progress | None, stage: str) -> Iterator[None]:
    if progress:
        progress(stage, 0, 0)
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - start
