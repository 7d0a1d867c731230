"""robots.txt, sitemap.xml and the Atom feed: the files that need absolute URLs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from .context import SiteInfo
from .site_index import PaperSummary, SiteIndex
from .urls import absolute

FEED_LIMIT = 100
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"


def robots_txt(base_url: str) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {absolute(base_url, 'sitemap.xml')}")
    return "\n".join(lines) + "\n"


def sitemap(base_url: str, urls: list[str]) -> bytes:
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for url in sorted(set(urls)):
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = absolute(base_url, url)
    return _xml(root)


def atom_feed(site: SiteInfo, index: SiteIndex, source_date_epoch: int | None) -> bytes:
    """The newest listing date's papers first, then older ones, at most FEED_LIMIT entries."""
    # Listings carry no year, so the only honest timestamp is the one the builder supplies
    # (SOURCE_DATE_EPOCH); without it the feed uses the epoch rather than the wall clock,
    # which would make two builds of the same input differ.
    updated = datetime.fromtimestamp(source_date_epoch or 0, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    feed = ET.Element("feed", xmlns=ATOM_NS)
    ET.SubElement(feed, "title").text = site.title
    if site.description:
        ET.SubElement(feed, "subtitle").text = site.description
    ET.SubElement(feed, "id").text = site.base_url
    ET.SubElement(feed, "link", href=site.base_url)
    ET.SubElement(feed, "link", rel="self", href=absolute(site.base_url, "feed.xml"))
    ET.SubElement(feed, "updated").text = updated
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = site.title
    ET.SubElement(feed, "generator").text = site.generator
    for paper in _newest_first(index)[:FEED_LIMIT]:
        entry = ET.SubElement(feed, "entry")
        link = absolute(site.base_url, paper.url)
        ET.SubElement(entry, "title").text = paper.title
        ET.SubElement(entry, "id").text = link
        ET.SubElement(entry, "link", href=link)
        ET.SubElement(entry, "updated").text = updated
        if paper.snippet:
            ET.SubElement(entry, "summary").text = paper.snippet
        for name in paper.collection_names:
            ET.SubElement(entry, "category", term=name)
    return _xml(feed)


def _newest_first(index: SiteIndex) -> list[PaperSummary]:
    ordered = {p.slug: p for group in index.dates for p in group.papers}
    for paper in index.papers:
        ordered.setdefault(paper.slug, paper)
    return list(ordered.values())


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
