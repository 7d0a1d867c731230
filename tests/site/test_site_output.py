"""Writing site/: atomic clean builds, incremental builds equal to clean ones, determinism, base_url."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.errors import BuildFailed, SitegenError
from site_helpers import broken_links, make_project, page_facts
from tests.conftest import REPO_ROOT

PAPERS = [
    ("Learning to Rank Tiny Things", "We rank tiny things with a tiny model. Code: https://github.com/x/rank"),
    ("Graph Networks for Large Maps", "Graphs of maps are large; our network handles them well enough."),
    ("Another Paper About Vision", "Vision is hard and this paper makes it slightly easier for all."),
]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def seed_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy2(REPO_ROOT / "sitegen.toml", project / "sitegen.toml")
    shutil.copytree(REPO_ROOT / "content", project / "content")
    return project


def test_two_builds_of_the_seed_are_byte_identical(tmp_path):
    project = seed_copy(tmp_path)
    first = build(project, out_dir=tmp_path / "first", base_url="https://example.org/").out_dir
    # A second process with another hash seed: set and dict order must not leak into output.
    subprocess.run(
        [sys.executable, "-m", "sitegen", "-C", str(project), "build", "--out", str(tmp_path / "again"),
         "--base-url", "https://example.org/"],
        check=True, capture_output=True, cwd=REPO_ROOT, env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert tree(tmp_path / "again") == tree(first)


def test_sub_path_base_url_links_resolve_under_the_sub_path(tmp_path):
    result = build(seed_copy(tmp_path), base_url="https://user.github.io/repo")
    site = result.out_dir
    assert broken_links(site, base_path="/repo/") == []
    slug = next(site.glob("papers/a-*/index.html")).parent.name
    paper = (site / "papers" / slug / "index.html").read_text(encoding="utf-8")
    canonical = f"https://user.github.io/repo/papers/{slug}/"
    assert f'<link rel="canonical" href="{canonical}">' in paper
    assert f'<meta property="og:url" content="{canonical}">' in paper
    assert f'<meta name="citation_abstract_html_url" content="{canonical}">' in paper
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{canonical}</loc>" in sitemap and "<loc>https://user.github.io/repo/</loc>" in sitemap
    assert all(loc.startswith("https://user.github.io/repo/") for loc in re.findall(r"<loc>(.*?)</loc>", sitemap))
    assert "404.html" not in sitemap
    assert "Sitemap: https://user.github.io/repo/sitemap.xml" in (site / "robots.txt").read_text()
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert '<link rel="self" href="https://user.github.io/repo/feed.xml" />' in feed
    # GitHub Pages serves 404.html at any missing URL, so its links start from the base path.
    not_found = page_facts(site / "404.html")
    assert "/repo/static/css/site.css" in not_found.links and "/repo/papers/" in not_found.links


def test_feed_timestamps_come_from_source_date_epoch(tmp_path, monkeypatch):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS},
                           config='title = "Tiny"\nbase_url = "https://example.org/"\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    feed = (build(project).out_dir / "feed.xml").read_text(encoding="utf-8")
    assert "<updated>2023-11-14T22:13:20Z</updated>" in feed
    assert feed.count("<entry>") == 3


def test_failed_build_leaves_the_last_good_site_intact(tmp_path):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS})
    site = build(project).out_dir
    before = tree(site)
    (project / "templates").mkdir()
    (project / "templates" / "paper.html").write_text("{% block content %}{{ paper.title }\n")
    with pytest.raises(SitegenError):
        build(project)
    assert tree(site) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == [], "no temporary folder is left"


def test_input_errors_stop_the_build_before_anything_is_written(tmp_path):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS})
    site = build(project).out_dir
    before = tree(site)
    (project / "content" / "listings" / "001_broken.txt").write_bytes(b"Mar 12\n\nTitle \xff\xfe\n\n\x00\x00\n")
    with pytest.raises(BuildFailed) as caught:
        build(project)
    assert [d.file for d in caught.value.diagnostics] == ["content/listings/001_broken.txt"]
    assert tree(site) == before


def test_a_removed_paper_leaves_no_stale_page(tmp_path):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS})
    site = build(project).out_dir
    assert (site / "papers" / "graph-networks-for-large-maps" / "index.html").exists()
    make_project(tmp_path / "project2", {"000_tiny": PAPERS[:1]})
    shutil.copy2(tmp_path / "project2/content/listings/000_tiny.txt", project / "content/listings/000_tiny.txt")
    result = build(project)
    assert not (site / "papers" / "graph-networks-for-large-maps").exists()
    assert result.removed > 0


def test_incremental_build_after_edits_equals_a_clean_build(tmp_path):
    project = seed_copy(tmp_path)
    site = build(project, incremental=True).out_dir
    listing = project / "content" / "listings" / "000_6224a8af48f65b83.txt"
    text = listing.read_text(encoding="utf-8")
    first_abstract = "Our research aims to develop machines that learn to perceive visual motion as do humans."
    assert first_abstract in text
    listing.write_text(text.replace(first_abstract, "An edited first sentence of the abstract."), encoding="utf-8")
    edited = build(project, incremental=True)
    assert 0 < edited.written < 30, "one edited abstract rewrites its page and the lists showing it"
    assert edited.unchanged > 900
    papers_dir = project / "content" / "papers"
    papers_dir.mkdir()
    (papers_dir / "a-bag-of-tricks-for-few-shot-class-incremental-learning.md").write_text(
        "---\ntags: [continual]\n---\nNotes.\n")
    (project / "content" / "pages").mkdir()
    (project / "content" / "pages" / "about.md").write_text("# About\n")
    (project / "content" / "listings" / "004_ebfe8ea17b7adf1a.txt").unlink()
    incremental = build(project, incremental=True)
    assert incremental.removed > 0
    clean = build(project, out_dir=tmp_path / "clean")
    assert tree(site) == tree(clean.out_dir)


@pytest.mark.parametrize("where", [".", "..", "content", "content/listings"])
def test_output_folder_may_not_hold_or_sit_in_the_sources(tmp_path, where):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS})
    with pytest.raises(SitegenError) as caught:
        build(project, out_dir=project / where)
    assert caught.value.stage == "write"
    assert (project / "content" / "listings" / "000_tiny.txt").exists()


def test_a_non_empty_folder_that_is_not_a_site_is_never_replaced(tmp_path):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS})
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    with pytest.raises(SitegenError, match="not empty and holds no previous build"):
        build(project, out_dir=precious)
    assert (precious / "thesis.tex").read_text() == "years of work"


def test_build_result_reports_counts_and_stage_timings(tmp_path):
    result = build(make_project(tmp_path / "project", {"000_tiny": PAPERS}))
    stages = [stage for stage, _ in result.timings]
    assert [s for s in stages if s in {"config", "ingest", "documents", "render", "write"}] == [
        "config", "ingest", "documents", "render", "write"]
    assert all(seconds >= 0 for _, seconds in result.timings)
    html = [p for p in result.out_dir.rglob("*.html")]
    assert result.pages == len(html)
    assert result.written == len(tree(result.out_dir))
