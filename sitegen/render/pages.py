"""Render the site one file at a time, as (output path, bytes) pairs. Nothing here touches site/.

Pages are rendered only as the caller asks for them, so a build can write each page and let it go
instead of holding every page of a large archive in memory at once.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..config import SiteConfig
from ..documents import Documents, PaperDocument
from ..errors import SitegenError
from ..model import Archive
from . import context as ctx
from .feeds import atom_feed, robots_txt, sitemap
from .markdown import make_markdown, render_markdown
from .site_index import Group, PaperSummary, SiteIndex, make_site_index
from .theme import Theme, has_template, make_environment, minified_scripts, static_files
from .urls import base_path, output_file, paged_url, relative

STAGE = "render"
# (stage, done, total); total is 0 while a stage has no countable steps.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PageJob:
    """A page to render: TEMPLATE with the context make_context(*inputs) (a function of
    sitegen.render.context). Those functions are pure and, whenever a page memo is given, their
    inputs immutable and hashable, so (template, url, make_context, inputs) stands for everything
    the page shows."""

    url: str
    template: str
    make_context: Callable[..., dict]
    inputs: tuple

    @property
    def context(self) -> dict:
        # Built only when the page is rendered: a build that finds the page in its memo never needs it.
        return self.make_context(*self.inputs)


# memo(key, make) returns the value for KEY, from an earlier build or by calling make().
Memo = Callable[[object, Callable[[], object]], object]


@dataclass(frozen=True)
class RenderMemos:
    """Lookups a caller may pass so unchanged content is not rendered again (see sitegen.build_cache)."""

    page: Callable[[PageJob, Callable[[], bytes]], bytes]
    markdown: Memo  # key: (Markdown text, top heading level)
    paper_source: Memo  # key: the PaperDocument
    # key: an immutable value (a document, summary, group); gives the equal one an earlier build kept
    shared: Memo | None = None
    templates: jinja2.BytecodeCache | None = None  # compiled templates, by name and source


def render_site(config: SiteConfig, archive: Archive, documents: Documents, theme: Theme,
                *, progress: Progress | None = None, source_date_epoch: int | None = None,
                memos: RenderMemos | None = None) -> Iterator[tuple[str, bytes]]:
    """Every file of the site: first the pages, then each paper's Markdown source, the static files,
    robots.txt, and with a base_url the sitemap and feed. A path is given once."""
    env = make_environment(config.root, theme, memos.templates if memos else None)
    env.filters["url"] = _url_filter
    index = make_site_index(archive, documents, config.collection_names, memos.shared if memos else None)
    has_search = has_template(env, "search.html")
    site = ctx.site_info(config.title, config.description, config.base_url, theme.names[0], index,
                         documents.pages, archive.entry_count, has_search)
    md = make_markdown()
    jobs = plan_pages(site, index, documents, config.per_page, md, base_path(config.base_url),
                      markdown_memo=memos.markdown if memos else None, shared=memos.shared if memos else None)
    for done, job in enumerate(jobs, 1):
        render = partial(_render_bytes, env, job, config.root)
        yield output_file(job.url), memos.page(job, render) if memos else render()
        if progress:
            progress(STAGE, done, len(jobs))
    for document in index.documents:
        source = partial(_paper_source, document)
        yield f"papers/{document.slug}/index.md", memos.paper_source(document, source) if memos else source()
    statics = static_files(config.root, theme)
    yield from (minified_scripts(statics) if config.minify_js else statics).items()
    yield "robots.txt", robots_txt(site.base_url).encode("utf-8")
    if site.base_url:
        yield "sitemap.xml", sitemap(site.base_url, [job.url for job in jobs if job.url != "404.html"])
        yield "feed.xml", atom_feed(site, index, source_date_epoch)


def _render_bytes(env: jinja2.Environment, job: PageJob, project: Path) -> bytes:
    return _render(env, job, project).encode("utf-8")


def _paper_source(document: PaperDocument) -> bytes:
    return document.to_markdown().encode("utf-8")


def plan_pages(site: ctx.SiteInfo, index: SiteIndex, documents: Documents, per_page: int, md: MarkdownIt,
               not_found_root: str, markdown_memo: Memo | None = None, shared: Memo | None = None) -> list[PageJob]:
    def html(text: str, top_level: int = 2) -> Markup:
        if markdown_memo is None:
            return render_markdown(md, text, top_level=top_level)
        return markdown_memo((text, top_level), lambda: render_markdown(md, text, top_level=top_level))

    if shared is not None:
        site = shared(site, lambda: site)
    jobs = [PageJob("", "home.html", ctx.home, (site, *ctx.home_inputs(index), documents.pages))]
    jobs += _paged(site, "papers/", "papers", "papers", "All papers",
                   "Every paper in the archive, in the order the listings gave them.", index.papers, per_page)
    jobs.append(PageJob("collections/", "groups.html", ctx.group_index, (
        site, "collections/", "collections", "Collections", "Each listing file is a collection.",
        index.collections)))
    for group in index.collections:
        jobs += _paged(site, group.url, "collection", "collections", group.name,
                       f"{len(group.papers)} papers listed in this collection.", group.papers, per_page, group)
    jobs.append(PageJob("dates/", "groups.html", ctx.group_index, (
        site, "dates/", "dates", "Listing dates", "Papers by the date their listing gave, newest first.",
        index.dates)))
    for group in index.dates:
        jobs += _paged(site, group.url, "date", "dates", f"Listed {group.name}",
                       f"{len(group.papers)} papers listed on {group.name}.", group.papers, per_page, group)
    jobs.append(PageJob("a-z/", "a_z.html", ctx.a_to_z, (site, index.letters, len(index.papers))))
    jobs += _paged(site, "code/", "code", "code", "Papers with code",
                   "Papers that link to a code repository.", index.with_code, per_page)
    if index.tags:
        jobs.append(PageJob("tags/", "groups.html", ctx.group_index, (
            site, "tags/", "tags", "Tags", "Tags added in content/papers/*.md.", index.tags)))
        for group in index.tags:
            jobs += _paged(site, group.url, "tag", "tags", f"Tagged “{group.name}”",
                           f"{len(group.papers)} papers tagged {group.name}.", group.papers, per_page, group)
    for document in index.documents:
        url, places = f"papers/{document.slug}/", ctx.paper_places(document, index)
        if markdown_memo is None:
            # Without a memo to keep it anyway, each abstract's HTML is made when its page is rendered,
            # so a large archive never holds all of it at once.
            jobs.append(PageJob(url, "paper.html", _paper_context, (md, site, document, places)))
        else:
            jobs.append(PageJob(url, "paper.html", ctx.paper, (
                site, document, places, *_paper_html(document, html))))
    for page in documents.pages:
        jobs.append(PageJob(f"{page.slug}/", "page.html", ctx.standalone, (site, page, html(page.body_markdown))))
    if site.has_search:
        jobs.append(PageJob("search/", "search.html", ctx.search, (site,)))
    jobs.append(PageJob("404.html", "404.html", ctx.not_found, (site, not_found_root)))
    return jobs


def _paper_html(document: PaperDocument, html: Callable[[str, int], Markup]) -> tuple[Markup, Markup]:
    # Abstract and notes sit under their own h2 section headings.
    return (html(document.abstract_markdown, 3),
            html(document.notes_markdown, 3) if document.notes_markdown else Markup(""))


def _paper_context(md: MarkdownIt, site: ctx.SiteInfo, document: PaperDocument,
                   places: tuple[tuple[Group, int], ...]) -> dict:
    return ctx.paper(site, document, places,
                     *_paper_html(document, lambda text, top_level: render_markdown(md, text, top_level=top_level)))


def _paged(site: ctx.SiteInfo, first_url: str, kind: str, section: str, title: str, intro: str,
           papers: tuple[PaperSummary, ...], per_page: int, group: Group | None = None) -> list[PageJob]:
    return [
        PageJob(paged_url(first_url, number), "list.html", ctx.paper_list, (
            site, first_url, kind, section, title, intro, papers[(number - 1) * per_page: number * per_page],
            len(papers), number, per_page, group))
        for number in range(1, ctx.page_count(len(papers), per_page) + 1)
    ]


@jinja2.pass_context
def _url_filter(context, target: str) -> str:
    if "root" not in context:
        raise jinja2.TemplateRuntimeError(
            "the url filter needs the page's context; import macros that use it `with context`")
    return relative(context["root"], target)


def _render(env: jinja2.Environment, job: PageJob, project: Path) -> str:
    try:
        return env.get_template(job.template).render(job.context)
    except jinja2.TemplateSyntaxError as exc:
        raise SitegenError(STAGE, _shown(exc.filename or job.template, project),
                           f"template syntax error: {exc.message}", line=exc.lineno) from exc
    except jinja2.TemplateNotFound as exc:
        raise SitegenError(STAGE, job.template, f"template '{exc.name}' not found in the project's "
                           "templates/ or the theme") from exc
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
        # Python errors raised inside template code ({{ 1 / 0 }}, a bad filter argument) are
        # mistakes in a template too: report them at the template line that raised them.
        where, line = _template_frame(exc, job.template)
        raise SitegenError(STAGE, _shown(where, project),
                           f"template error while rendering {output_file(job.url)}: {exc}", line=line) from exc


def _template_frame(exc: BaseException, fallback: str) -> tuple[str, int | None]:
    # Jinja rewrites tracebacks so template frames carry the template's file name and line.
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt")):
            return frame.filename, frame.lineno
    return fallback, None


def _shown(filename: str, project: Path) -> str:
    path = Path(filename)
    for base in (project.resolve(), project):
        try:
            return path.resolve().relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()
