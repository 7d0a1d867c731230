"""Site URLs: every page knows its own URL and links to others relative to it.

A page URL is site-relative ("" is home, "papers/x/" a paper); links inside
pages are made relative to the page, so the same files work at a domain root,
under a sub-path (GitHub project pages) and from any local server. Absolute
URLs (base_url + page URL) appear only where the web requires them: sitemap,
feed, canonical and OpenGraph tags.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

_UNSAFE_PATH_CHARS = re.compile(r"[^A-Za-z0-9/_.~#%-]")


def output_file(url: str) -> str:
    """The file under site/ that serves URL."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def root_prefix(url: str) -> str:
    """From the page at URL, the relative path up to the site root."""
    return "../" * url.count("/")


def relative(root: str, target: str) -> str:
    link = root + target
    if _UNSAFE_PATH_CHARS.search(link):
        link = quote(link, safe="/#%-._~")
    return link or "./"


def absolute(base_url: str, target: str) -> str:
    return base_url + quote(target, safe="/#%-._~") if base_url else ""


def base_path(base_url: str) -> str:
    """The URL path the site is served under: "/repo/" for https://user.github.io/repo/, else "/"."""
    return (urlsplit(base_url).path or "/") if base_url else "/"


def paper_url(slug: str) -> str:
    return f"papers/{slug}/"


def paged_url(first_page: str, number: int) -> str:
    return first_page if number == 1 else f"{first_page}page/{number}/"
