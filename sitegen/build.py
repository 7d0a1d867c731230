"""The one build: sitegen.toml + content/ in, a complete static site out.

Phase one loads and renders everything into plain data in memory; phase two
writes it. A failure in phase one leaves the previous site untouched.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterator
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
from .search import build_search_files
from .search.documents import search_documents


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
          cache: BuildCache | None = None) -> BuildResult:
    """Build the site. CACHE, kept by the caller from one build to the next, lets a rebuild reuse
    whatever its inputs did not change; the output is byte-identical either way."""
    timings: dict[str, float] = {}
    if cache is not None:
        cache.start()
    with _timed(timings, progress, "config"):
        config = _with_base_url(load_config(project), base_url)
        theme = resolve_theme(config.root, config.theme)
        target = out_dir if out_dir is not None else config.output_path
        source_date_epoch = _source_date_epoch()
    with _timed(timings, progress, "ingest"):
        archive = load_archive(config) if cache is None else _cached_archive(config, cache)
    if archive.errors:
        raise BuildFailed(archive.diagnostics)
    with _timed(timings, progress, "documents"):
        sources = read_sources(config.content_path, config.root)
        documents = make_documents(archive, sources.overrides, sources.pages, config.collection_names)
    with _search_job(documents, config, cache) as search_files:
        with _timed(timings, progress, "render"):
            files = _render(config, archive, documents, theme, progress, source_date_epoch, cache)
        # When the search job runs in another process, this is only the wait for it to finish.
        with _timed(timings, progress, "search"):
            files.update(search_files())
    diagnostics = archive.diagnostics + sources.diagnostics + documents.diagnostics
    pages = sum(1 for path in files if path.endswith(".html"))
    with _timed(timings, progress, "write"):
        if cache is None:
            report = write_site(files, target, project=config.root, incremental=incremental)
        else:
            # Forgotten first: if writing fails half-way, nothing on disk is vouched for.
            known = cache.written.pop(str(target.resolve()), {})
            report = write_site(files, target, project=config.root, incremental=incremental, known=known)
            cache.written = {str(target.resolve()): dict(report.states)}
            cache.finish()
    return BuildResult(
        out_dir=target,
        written=report.written,
        unchanged=report.unchanged,
        removed=report.removed,
        pages=pages,
        diagnostics=diagnostics,
        timings=tuple(timings.items()),
    )


@contextmanager
def _search_job(documents: Documents, config: SiteConfig,
                cache: BuildCache | None) -> Iterator[Callable[[], dict[str, bytes]]]:
    """A function giving the search files; for a large clean build they are made meanwhile in a second process."""
    threshold = config.search_shard_threshold
    if cache is not None:
        key = (search_documents(documents), threshold)
        yield lambda: cache.search.get(key, lambda: build_search_files(documents, threshold, search_index_maker(cache)))
    elif len(documents.papers) < PARALLEL_SEARCH_MIN_PAPERS or (os.cpu_count() or 1) < 2:
        yield lambda: build_search_files(documents, threshold)
    else:
        with in_background(build_search_files, documents, threshold) as result:
            yield result


def _cached_archive(config: SiteConfig, cache: BuildCache) -> Archive:
    """load_archive, reusing the parse of every listing whose bytes did not change."""
    raw_listings, read_problems = read_listings(config)
    names = tuple(sorted(config.collection_names.items()))

    def parse_all() -> Archive:
        parsed = [cache.listings.get((raw, names), lambda raw=raw: parse_listing(raw, config.collection_names))
                  for raw in raw_listings]
        return build_archive(parsed, read_problems)

    return cache.archives.get((raw_listings, read_problems, names), parse_all)


def _render(config: SiteConfig, archive: Archive, documents: Documents, theme: Theme,
            progress: Progress | None, source_date_epoch: int | None, cache: BuildCache | None) -> dict[str, bytes]:
    if cache is None:
        return render_site(config, archive, documents, theme, progress=progress,
                           source_date_epoch=source_date_epoch)
    # Everything render_site reads: settings, data, and the template and static files of every layer.
    templates = folders_digest([config.root / "templates", *(folder / "templates" for folder in theme.folders)])
    statics = folders_digest([config.root / "static", *(folder / "static" for folder in theme.folders)])
    key = (repr(config), theme, templates, statics, archive, documents, source_date_epoch)
    return dict(cache.renders.get(key, lambda: render_site(
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


@contextmanager
def _timed(timings: dict[str, float], progress: Progress | None, stage: str) -> Iterator[None]:
    if progress:
        progress(stage, 0, 0)
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - start
