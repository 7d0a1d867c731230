"""Pages are written as they are rendered, yet a build that fails half-way changes nothing in site/."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.build_cache import BuildCache
from sitegen.errors import SitegenError
from sitegen.output import write_site
from tests.conftest import REPO_ROOT
from tests.perf.perf_helpers import Project, snapshot

THEME_TEMPLATES = REPO_ROOT / "themes" / "default" / "templates"


def fail_on_one_paper(project: Project, slug: str) -> None:
    """A paper template that raises for SLUG only, so the build fails after many pages were rendered."""
    templates = project.root / "templates"
    templates.mkdir(exist_ok=True)
    paper = (THEME_TEMPLATES / "paper.html").read_text(encoding="utf-8")
    (templates / "paper.html").write_text(paper.replace(
        "{% block content %}", "{% block content %}{% if paper.slug == '" + slug + "' %}{{ 1 // 0 }}{% endif %}", 1),
        encoding="utf-8")


def change_every_page(project: Project) -> None:
    templates = project.root / "templates"
    templates.mkdir(exist_ok=True)
    base = (THEME_TEMPLATES / "base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("</body>", "<!-- every page changed -->\n</body>"),
                                         encoding="utf-8")


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def middle_paper(site: Path) -> str:
    slugs = sorted(p.name for p in (site / "papers").iterdir() if p.is_dir() and p.name != "page")
    return slugs[len(slugs) // 2]


@pytest.mark.parametrize("mode", ["clean", "incremental", "incremental with a cache"])
def test_a_render_error_half_way_leaves_the_previous_site_untouched(tmp_path, mode):
    project = Project(tmp_path / "project")
    options = {"incremental": mode != "clean", "cache": BuildCache() if "cache" in mode else None}
    site = build(project.root, **options).out_dir
    before = snapshot(site)
    slug = middle_paper(site)
    change_every_page(project)
    fail_on_one_paper(project, slug)
    with pytest.raises(SitegenError, match=f"papers/{slug}/index.html") as caught:
        build(project.root, **options)
    assert "template error" in str(caught.value)
    assert snapshot(site) == before
    assert leftovers(project.root) == [], "no staging folder is left beside site/"
    (project.root / "templates" / "paper.html").unlink()
    result = build(project.root, **options)
    assert result.written > 0
    clean = build(project.root, out_dir=tmp_path / "clean").out_dir
    assert snapshot(site) == snapshot(clean)


def stream(files: dict[str, bytes], fail_after: int | None = None):
    for number, item in enumerate(files.items()):
        if number == fail_after:
            raise SitegenError("render", "templates/paper.html", "broken")
        yield item


@pytest.mark.parametrize("incremental", [False, True])
def test_the_writer_replaces_nothing_when_making_a_file_fails(tmp_path, incremental):
    site = tmp_path / "site"
    first = {"index.html": b"home", "papers/a/index.html": b"a", "papers/b/index.html": b"b"}
    write_site(stream(first), site, project=tmp_path / "project", incremental=incremental)
    second = {"index.html": b"new home", "papers/a/index.html": b"new a", "papers/c/index.html": b"c"}
    with pytest.raises(SitegenError):
        write_site(stream(second, fail_after=2), site, project=tmp_path / "project", incremental=incremental)
    assert snapshot(site) == first
    assert leftovers(tmp_path) == []
    report = write_site(stream(second), site, project=tmp_path / "project", incremental=incremental)
    assert snapshot(site) == second
    assert (report.written, report.removed) == (3, 1)


def test_an_incremental_build_turns_a_file_into_a_folder_and_back(tmp_path):
    site = tmp_path / "site"
    as_file = {"index.html": b"home", "notes": b"a file"}
    as_folder = {"index.html": b"home", "notes/index.html": b"a page"}
    write_site(stream(as_file), site, project=tmp_path / "project", incremental=True)
    report = write_site(stream(as_folder), site, project=tmp_path / "project", incremental=True)
    assert snapshot(site) == as_folder
    assert (report.written, report.unchanged, report.removed) == (1, 1, 1)
    write_site(stream(as_file), site, project=tmp_path / "project", incremental=True)
    assert snapshot(site) == as_file
    assert not (site / "notes").is_dir()
