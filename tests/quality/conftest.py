"""Shared set-up for the quality gates: the seed site built once per theme, the checkers' files, a server.

The seed archive has no tags and no stand-alone pages, so the quality copy adds one hand-written
refinement (tags and notes on one paper) and an About page: every page kind the site can produce is
then checked, not only the ones the seeds happen to produce.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, StaticSiteHandler, require_tool, serve_folder

THEMES = ("default", "dense")
NODE_MODULES = REPO_ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
ARTIFACTS = REPO_ROOT / "test-artifacts"
SEARCH_QUERY = "diffusion"  # matches 18 seed papers, in titles and abstracts
NPM_HINT = "run `npm install --no-audit --no-fund` in the repository root (package.json)"

ABOUT_PAGE = """---
title: About this archive
order: 1
---
This archive collects trending machine-learning papers.

## Where the papers come from

Each collection is one listing page, saved as text. See the
[sitegen documentation](https://example.org/sitegen/) for the format.

### Corrections

Write a file under `content/papers/` to correct a title or add notes.
"""

PAPER_NOTES = """---
tags: [quality-check, to-read]
---
## Why it matters

A note with a list and inline math $x^2 + y^2$:

- first point
- second point
"""


@dataclass(frozen=True)
class QualitySite:
    theme: str
    root: Path  # the built site folder
    annotated_slug: str  # the paper given tags and notes

    def page_files(self) -> dict[str, Path]:
        """One HTML file per page kind, by kind name; a kind the build did not produce is missing here."""
        first_collection = sorted(p.parent for p in self.root.glob("collections/*/index.html"))
        first_date = sorted(p.parent for p in self.root.glob("dates/*/index.html"))
        candidates = {
            "home": self.root / "index.html",
            "papers page 1": self.root / "papers" / "index.html",
            "papers page 2": self.root / "papers" / "page" / "2" / "index.html",
            "collections": self.root / "collections" / "index.html",
            "collection": first_collection[0] / "index.html" if first_collection else None,
            "dates": self.root / "dates" / "index.html",
            "date": first_date[0] / "index.html" if first_date else None,
            "a-z": self.root / "a-z" / "index.html",
            "with code": self.root / "code" / "index.html",
            "tags": self.root / "tags" / "index.html",
            "tag": self.root / "tags" / "quality-check" / "index.html",
            "paper": self.root / "papers" / self.annotated_slug / "index.html",
            "stand-alone page": self.root / "about" / "index.html",
            "search": self.root / "search" / "index.html",
            "404": self.root / "404.html",
        }
        return {kind: path for kind, path in candidates.items() if path is not None and path.is_file()}


def annotated_slug(project: Path) -> str:
    """The first paper (by slug) that links to code: it gets tags and notes in the quality copy."""
    from sitegen.config import load_config
    from sitegen.ingest import load_archive

    archive = load_archive(load_config(project))
    return min(paper.slug for paper in archive.papers if paper.has_code)


def make_quality_project(folder: Path, theme: str) -> tuple[Path, str]:
    """A copy of the seed project using THEME, plus an About page and one annotated paper."""
    project = folder / "project"
    project.mkdir(parents=True)
    config = (REPO_ROOT / "sitegen.toml").read_text(encoding="utf-8")
    lines = [f'theme = "{theme}"' if line.startswith("theme =") else line for line in config.splitlines()]
    assert f'theme = "{theme}"' in lines, "sitegen.toml has no theme line to override"
    (project / "sitegen.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copytree(REPO_ROOT / "content", project / "content")
    slug = annotated_slug(project)
    (project / "content" / "pages").mkdir(exist_ok=True)
    (project / "content" / "pages" / "about.md").write_text(ABOUT_PAGE, encoding="utf-8")
    (project / "content" / "papers").mkdir(exist_ok=True)
    (project / "content" / "papers" / f"{slug}.md").write_text(PAPER_NOTES, encoding="utf-8")
    return project, slug


def build_quality_site(folder: Path, theme: str, *, out_dir: Path | None = None,
                       base_url: str | None = None) -> QualitySite:
    from sitegen.build import build

    project, slug = make_quality_project(folder, theme)
    result = build(project, out_dir=out_dir or folder / "site", base_url=base_url)
    return QualitySite(theme=theme, root=result.out_dir, annotated_slug=slug)


@pytest.fixture(scope="session")
def quality_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, QualitySite]:
    """The seed site in each theme, built once per test run; read it, never modify it."""
    return {theme: build_quality_site(tmp_path_factory.mktemp(f"quality-{theme}"), theme) for theme in THEMES}


def require_node_module(path: Path) -> None:
    require_tool(path.is_file(), f"{path.relative_to(REPO_ROOT)} is missing: {NPM_HINT}")


def page_path(site: QualitySite, name: str) -> str:
    if name == "home":
        return ""
    if name == "papers index":
        return "papers/"
    if name == "collection":
        return sorted(p.parent.relative_to(site.root).as_posix() for p in site.root.glob("collections/*/index.html"))[0] + "/"
    if name == "paper":
        return f"papers/{site.annotated_slug}/"
    if name == "search results":
        return "search/"
    if name == "search box results":
        return "papers/"
    return "no/such/page/"


def open_in_state(page, url: str, name: str) -> None:
    """Load the page and bring it to the state a reader sees: search with its results shown."""
    page.goto(url)
    if name == "search results":
        page.fill("#search-page-q", SEARCH_QUERY)
        page.wait_for_selector(f"#search-page-results[data-query='{SEARCH_QUERY}'] .search-result")
    elif name == "search box results":
        page.fill("#search-q", SEARCH_QUERY)
        page.wait_for_selector(f"#search-q-results[data-query='{SEARCH_QUERY}'] .search-result", state="visible")


class CheckableSiteHandler(StaticSiteHandler):
    """The static server, plus the header that lets linkchecker skip its politeness delay.

    linkchecker waits 0.1-0.6 s between requests to a host unless the host answers with a
    `LinkChecker` header; without it the seed site takes nine minutes to check instead of seconds.
    """

    def end_headers(self):
        self.send_header("LinkChecker", "unthrottled")
        super().end_headers()


def serve(folder: Path):
    """Serve FOLDER for the checkers; yields the base URL ending in '/'."""
    return serve_folder(folder, handler=CheckableSiteHandler)
