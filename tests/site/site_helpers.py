"""Helpers for the site tests: tiny projects on disk and a link checker over built HTML."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LISTING_HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"


def make_project(root: Path, listings: dict[str, list[tuple[str, str]]], *, date: str = "Mar 12",
                 config: str = 'title = "Tiny archive"\n', files: dict[str, str] | None = None) -> Path:
    """A site project with one listing file per key, each holding (title, abstract) pairs."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "sitegen.toml").write_text(config, encoding="utf-8")
    listing_dir = root / "content" / "listings"
    listing_dir.mkdir(parents=True)
    for name, papers in listings.items():
        body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in papers)
        (listing_dir / f"{name}.txt").write_text(f"{LISTING_HEADER}{date}\n\n{body}", encoding="utf-8")
    for relative, text in (files or {}).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@dataclass
class PageFacts(HTMLParser):
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # every href/src/action as written
    h1_count: int = 0
    text_parts: list[str] = field(default_factory=list)
    scripts: list[tuple[dict, str]] = field(default_factory=list)  # (attributes, body)
    event_handlers: list[str] = field(default_factory=list)
    _script: dict | None = None

    def __post_init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        for name in ("href", "src", "action"):
            if attributes.get(name) is not None:
                self.links.append(attributes[name])
        self.event_handlers += [name for name in attributes if name.startswith("on")]
        if tag == "h1":
            self.h1_count += 1
        if tag == "script":
            self._script = attributes
            self.scripts.append((attributes, ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            attributes, body = self.scripts[-1]
            self.scripts[-1] = (attributes, body + data)
        else:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.text_parts).split())


def page_facts(path: Path) -> PageFacts:
    facts = PageFacts()
    facts.feed(path.read_text(encoding="utf-8"))
    facts.close()
    return facts


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Every internal link, in every HTML page, that names a missing file or fragment.

    Links are resolved the way a browser does, as if the site were served at base_path.
    Absolute links must stay under base_path.
    """
    facts = {p.relative_to(site).as_posix(): page_facts(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for page, found in facts.items():
        page_url = base_path + (page[: -len("index.html")] if page.endswith("index.html") else page)
        for link in found.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page_url), unquote(parts.path)))
            if parts.path == "":
                target = page_url
            elif parts.path.endswith("/") and not target.endswith("/"):
                target += "/"
            if not target.startswith(base_path):
                problems.append(f"{page}: {link} leaves the site ({target})")
                continue
            relative = target[len(base_path):]
            file = relative + "index.html" if relative == "" or relative.endswith("/") else relative
            if not (site / file).is_file():
                problems.append(f"{page}: {link} -> missing {file}")
            elif parts.fragment and file.endswith(".html") and parts.fragment not in facts[file].ids:
                problems.append(f"{page}: {link} -> no id '{parts.fragment}' in {file}")
    return problems
