"""URLs found in abstracts: where they end, how they are cleaned, what kind of link they are."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..model import Link, LinkKind

# Stops at whitespace and at characters that never appear unescaped in the URLs of a listing but do
# end them in running text (quotes, angle brackets) or start LaTeX leftovers ("{...}" after \url).
# A URL also ends where another begins: dumps glue repeated URLs together ("x.https://x").
URL_RE = re.compile(r"https?://(?:(?!https?://)[^\s<>\"'{}\\|^`])+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?*"
_CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org"})
# Hosts whose pages are data sets (the whole host, or only below a path prefix).
_DATASET_HOSTS = frozenset({"zenodo.org", "figshare.com", "data.mendeley.com", "physionet.org", "datadryad.org", "dataverse.harvard.edu"})
_DATASET_PREFIXES = {
    "huggingface.co": "/datasets/",
    "hf.co": "/datasets/",
    "kaggle.com": "/datasets/",
    "paperswithcode.com": "/dataset/",
    "archive.ics.uci.edu": "/",
}
_KIND_ORDER: dict[LinkKind, int] = {"code": 0, "dataset": 1, "project": 2, "other": 3}


def trim_url(candidate: str) -> tuple[str, str]:
    """Split a URL matched in running text into (url, text that follows it).

    Sentence punctuation and a ')' that closes a parenthesis opened before the URL belong to the
    sentence, not to the URL.
    """
    end = len(candidate)
    unclosed = {")": candidate.count(")") - candidate.count("("), "]": candidate.count("]") - candidate.count("[")}
    while end:
        last = candidate[end - 1]
        if last in _TRAILING_PUNCTUATION:
            end -= 1
        elif last in unclosed and unclosed[last] > 0:
            unclosed[last] -= 1
            end -= 1
        else:
            break
    return candidate[:end], candidate[end:]


def canonical_url(url: str) -> str:
    """The form shown and linked: host lower-cased, '.git' dropped from repository URLs."""
    parts = urlsplit(url)
    host = parts.netloc.lower()
    path = parts.path
    if _repository_host(host) and path.endswith(".git"):
        path = path[: -len(".git")]
    rebuilt = f"{parts.scheme.lower()}://{host}{path}"
    if parts.query:
        rebuilt += f"?{parts.query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return rebuilt


def is_plausible_url(url: str) -> bool:
    """A URL worth linking: has a host with a dot (rules out 'https://' alone or 'http://x')."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return "." in host.strip(".")


def classify(url: str) -> LinkKind:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[len("www."):]
    segments = [s for s in parts.path.split("/") if s]
    if host in _CODE_HOSTS and len(segments) >= 2:
        return "code"
    if host in _DATASET_HOSTS:
        return "dataset"
    prefix = _DATASET_PREFIXES.get(host)
    if prefix is not None and parts.path.startswith(prefix) and len(parts.path) > len(prefix):
        return "dataset"
    if host.endswith((".github.io", ".gitlab.io")):
        return "project"
    return "other"


def collect_links(urls: Iterable[str]) -> tuple[Link, ...]:
    """One Link per distinct URL (ignoring a trailing '/'), code links first, then by URL."""
    if not urls:
        return ()
    seen: dict[str, Link] = {}
    for url in urls:
        key = url.rstrip("/")
        if key not in seen:
            seen[key] = Link(url=url, kind=classify(url))
    return tuple(sorted(seen.values(), key=lambda link: (_KIND_ORDER[link.kind], link.url.lower(), link.url)))


def _repository_host(host: str) -> bool:
    return host.removeprefix("www.") in _CODE_HOSTS
