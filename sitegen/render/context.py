"""The template context of each page kind (documented in README, "Template context").

Every page gets `site`, `page` and `root`; each function below adds what its
page kind shows. Values are plain data: templates never reach back into the
build. Each function is pure and takes only immutable, hashable arguments, so a
page's function and arguments stand for its whole context (the page memo's key).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup

from .. import __version__
from ..documents import PaperDocument, StandalonePage, tag_slug
from ..fingerprint import hash_once
from ..model import Link
from .site_index import Group, Letter, PaperSummary, SiteIndex
from .urls import absolute, paged_url, paper_url, root_prefix

LINK_LABELS = {"code": "Code", "dataset": "Dataset", "project": "Project page", "other": "Link"}
HOME_PREVIEW = 8
PAGER_NEIGHBOURS = 2


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    section: str


@dataclass(frozen=True)
class Stats:
    papers: int
    collections: int
    dates: int
    with_code: int
    tags: int
    entries: int


@hash_once
@dataclass(frozen=True)
class SiteInfo:
    title: str
    description: str
    base_url: str  # "" unless an absolute http(s) URL is configured
    theme: str
    nav: tuple[NavItem, ...]
    stats: Stats
    has_search: bool
    has_feed: bool
    generator: str = f"sitegen {__version__}"


@dataclass(frozen=True)
class PageInfo:
    url: str  # site-relative, "" for home
    kind: str
    title: str
    section: str  # which NavItem is current
    description: str
    canonical: str  # absolute URL, "" without base_url


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    previous: str | None
    next: str | None
    pages: tuple[tuple[int | None, str | None], ...]  # (None, None) marks a gap


@dataclass(frozen=True)
class Membership:
    """A paper's place in one collection, for previous/next links."""

    group: Group
    position: int  # 1-based
    previous: PaperSummary | None
    next: PaperSummary | None


@dataclass(frozen=True)
class LinkButton:
    url: str
    kind: str
    label: str
    host: str


def site_info(title: str, description: str, base_url: str, theme: str, index: SiteIndex,
              pages: tuple[StandalonePage, ...], entry_count: int, has_search: bool) -> SiteInfo:
    nav = [
        NavItem("Home", "", "home"),
        NavItem("Papers", "papers/", "papers"),
        NavItem("Collections", "collections/", "collections"),
        NavItem("Dates", "dates/", "dates"),
        NavItem("A–Z", "a-z/", "a-z"),
        NavItem("With code", "code/", "code"),
    ]
    if index.tags:
        nav.append(NavItem("Tags", "tags/", "tags"))
    nav.extend(NavItem(page.title, f"{page.slug}/", f"page:{page.slug}") for page in pages)
    stats = Stats(
        papers=len(index.papers), collections=len(index.collections), dates=len(index.dates),
        with_code=len(index.with_code), tags=len(index.tags), entries=entry_count,
    )
    absolute_base = base_url if base_url.startswith(("http://", "https://")) else ""
    return SiteInfo(title, description, absolute_base, theme, tuple(nav), stats, has_search,
                    has_feed=bool(absolute_base))


def common(site: SiteInfo, url: str, kind: str, title: str, section: str,
           description: str = "", root: str | None = None) -> dict:
    page = PageInfo(url, kind, title, section, description or site.description, absolute(site.base_url, url))
    return {"site": site, "page": page, "root": root_prefix(url) if root is None else root}


def home_inputs(index: SiteIndex) -> tuple:
    """home()'s arguments after `site`, out of the site index."""
    return (index.collections, index.dates, index.tags, index.papers[:HOME_PREVIEW])


def home(site: SiteInfo, collections: tuple[Group, ...], dates: tuple[Group, ...], tags: tuple[Group, ...],
         first_papers: tuple[PaperSummary, ...], pages: tuple[StandalonePage, ...]) -> dict:
    latest = dates[0] if dates else None
    return {
        **common(site, "", "home", site.title, "home"),
        "stats": site.stats,
        "collections": collections,
        "dates": dates,
        "tags": tags,
        "pages": pages,
        "latest": latest,
        "latest_papers": latest.papers[:HOME_PREVIEW] if latest else first_papers,
    }


def page_count(papers: int, per_page: int) -> int:
    return max(1, -(-papers // per_page))


def paper_list(site: SiteInfo, first_url: str, kind: str, section: str, title: str, intro: str,
               shown: tuple[PaperSummary, ...], total: int, number: int, per_page: int,
               group: Group | None) -> dict:
    """Page NUMBER of a paginated list (all papers, a collection, a date, a tag, papers with code)
    of TOTAL papers, showing SHOWN. Only this page's papers are arguments, not the whole list."""
    count = page_count(total, per_page)
    url = paged_url(first_url, number)
    heading = title if number == 1 else f"{title} (page {number} of {count})"
    return {
        **common(site, url, kind, heading, section, description=intro),
        "heading": title,
        "intro": intro,
        "group": group,
        "papers": shown,
        "total": total,
        "offset": (number - 1) * per_page,
        "pagination": _pagination(first_url, number, count),
    }


def _pagination(first_url: str, number: int, count: int) -> Pagination:
    wanted = {1, count, *range(number - PAGER_NEIGHBOURS, number + PAGER_NEIGHBOURS + 1)}
    pages: list[tuple[int | None, str | None]] = []
    for n in sorted(n for n in wanted if 1 <= n <= count):
        if pages and pages[-1][0] is not None and n - pages[-1][0] > 1:
            pages.append((None, None))
        pages.append((n, paged_url(first_url, n)))
    return Pagination(
        number=number,
        count=count,
        previous=paged_url(first_url, number - 1) if number > 1 else None,
        next=paged_url(first_url, number + 1) if number < count else None,
        pages=tuple(pages),
    )


def group_index(site: SiteInfo, url: str, kind: str, title: str, intro: str,
                groups: tuple[Group, ...]) -> dict:
    """The list of all collections, all listing dates or all tags."""
    return {**common(site, url, kind, title, kind, description=intro), "heading": title,
            "intro": intro, "groups": groups}


def a_to_z(site: SiteInfo, letters: tuple[Letter, ...], total: int) -> dict:
    return {**common(site, "a-z/", "a-z", "Papers A–Z", "a-z",
                     description="Every paper in the archive, by title."),
            "letters": letters, "total": total}


def paper_places(document: PaperDocument, index: SiteIndex) -> tuple[tuple[Group, int], ...]:
    """Each collection listing DOCUMENT, with the document's 0-based place in it."""
    return tuple((index.collection_by_key[c.key], index.positions[c.key][document.slug])
                 for c in document.collections if c.key in index.collection_by_key)


def paper(site: SiteInfo, document: PaperDocument, places: tuple[tuple[Group, int], ...],
          abstract_html: Markup, notes_html: Markup) -> dict:
    url = paper_url(document.slug)
    memberships = tuple(_membership(group, at) for group, at in places)
    context = common(site, url, "paper", document.title, "papers", description=document.abstract_text)
    canonical = context["page"].canonical
    return {
        **context,
        "paper": document,
        "abstract_html": abstract_html,
        "notes_html": notes_html,
        "links": tuple(_button(link) for link in document.links),
        "memberships": memberships,
        "tags": tuple((tag, f"tags/{tag_slug(tag)}/") for tag in document.tags if tag_slug(tag)),
        "markdown_url": url + "index.md",
        "citation_meta": _citation_meta(document, canonical),
        "json_ld": _json_ld(document, canonical, memberships),
    }


def _membership(group: Group, at: int) -> Membership:
    return Membership(
        group=group,
        position=at + 1,
        previous=group.papers[at - 1] if at > 0 else None,
        next=group.papers[at + 1] if at + 1 < len(group.papers) else None,
    )


def _button(link: Link) -> LinkButton:
    return LinkButton(link.url, link.kind, LINK_LABELS.get(link.kind, "Link"), urlsplit(link.url).hostname or "")


def _citation_meta(document: PaperDocument, canonical: str) -> tuple[tuple[str, str], ...]:
    # Highwire Press tags (read by Google Scholar and Zotero) for the fields the data has.
    meta = [("citation_title", document.title)]
    if document.abstract_text:
        meta.append(("citation_abstract", document.abstract_text))
    meta.extend(("citation_keywords", tag) for tag in document.tags)
    if canonical:
        meta.append(("citation_abstract_html_url", canonical))
    meta.extend(("citation_pdf_url", link.url) for link in document.links
                if urlsplit(link.url).path.lower().endswith(".pdf"))
    return tuple(meta)


def _json_ld(document: PaperDocument, canonical: str, memberships: tuple[Membership, ...]) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "identifier": document.id,
        "name": document.title,
        "headline": document.title,
        "isPartOf": [{"@type": "Collection", "name": m.group.name} for m in memberships],
    }
    if document.abstract_text:
        data["abstract"] = document.abstract_text
    if document.tags:
        data["keywords"] = list(document.tags)
    if canonical:
        data["url"] = canonical
    if document.links:
        data["sameAs"] = [link.url for link in document.links]
    return data


def standalone(site: SiteInfo, page: StandalonePage, body_html: Markup) -> dict:
    return {**common(site, f"{page.slug}/", "page", page.title, f"page:{page.slug}"),
            "standalone": page, "body_html": body_html}


def not_found(site: SiteInfo, root: str) -> dict:
    # GitHub Pages serves 404.html at whatever URL was missed, so its links cannot be
    # relative to its own location: they start from the site's base path instead.
    return common(site, "404.html", "404", "Page not found", "", root=root)


def search(site: SiteInfo) -> dict:
    return common(site, "search/", "search", "Search", "search",
                  description=f"Search the {site.stats.papers} papers of {site.title}.")
