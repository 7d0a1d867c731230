"""Incremental builds with a build cache give exactly the site a clean build gives, after any edit."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.synthetic import render_listing
from sitegen.build import build
from sitegen.build_cache import BuildCache
from tests.conftest import REPO_ROOT
from tests.perf.perf_helpers import Project, snapshot

NEW_SENTENCE = "This sentence was added by an edit."


def edit_abstract(project: Project) -> None:
    project.change_a_listing(lambda entries: (
        *entries[:2], replace(entries[2], abstract=f"{entries[2].abstract} {NEW_SENTENCE}"), *entries[3:]))


def add_override(project: Project) -> None:
    papers = project.root / "content" / "papers"
    papers.mkdir(exist_ok=True)
    (papers / f"{project.slug_of_a_paper()}.md").write_text(
        "---\ntags: [graphs, edited]\n---\nA note <b>written</b> by hand.\n", encoding="utf-8")


def add_paper(project: Project) -> None:
    new = replace(project.archive.listings[0].entries[0], title="A Wholly New Paper on Sheaf Laplacians",
                  abstract="We add a paper. Code at https://github.com/example/sheaf and more.")
    project.change_a_listing(lambda entries: (*entries, new))


def remove_paper(project: Project) -> None:
    project.change_a_listing(lambda entries: entries[:4] + entries[5:])


def rename_paper(project: Project) -> None:
    project.change_a_listing(lambda entries: (
        entries[0], replace(entries[1], title=entries[1].title + " Revisited"), *entries[2:]))


def add_listing(project: Project) -> None:
    extra = replace(project.archive.listings[0], file_name="099_extra.txt", date_label="Feb 2",
                    entries=project.archive.listings[0].entries[:3])
    (project.root / "content" / "listings" / extra.file_name).write_text(render_listing(extra), encoding="utf-8")


def change_template(project: Project) -> None:
    templates = project.root / "templates"
    templates.mkdir(exist_ok=True)
    base = (REPO_ROOT / "themes" / "default" / "templates" / "base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("</body>", "<!-- project footer -->\n</body>"),
                                         encoding="utf-8")


def change_partial_template(project: Project) -> None:
    # Only an included file changes: no page's context does, every page's bytes may.
    partials = REPO_ROOT / "themes" / "default" / "templates" / "partials"
    name = sorted(p.name for p in partials.iterdir())[0]
    target = project.root / "templates" / "partials" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text((partials / name).read_text(encoding="utf-8") + "<!-- edited partial -->\n", encoding="utf-8")


def change_config(project: Project) -> None:
    config = project.root / "sitegen.toml"
    text = config.read_text(encoding="utf-8").replace("per_page = 7", "per_page = 5")
    config.write_text(text.replace('title = "', 'title = "Renamed: '), encoding="utf-8")


def add_static_file(project: Project) -> None:
    (project.root / "static").mkdir(exist_ok=True)
    (project.root / "static" / "extra.css").write_text("body { color: #123; }\n", encoding="utf-8")


def add_page(project: Project) -> None:
    pages = project.root / "content" / "pages"
    pages.mkdir(exist_ok=True)
    (pages / "about.md").write_text("---\ntitle: About us\n---\n# Hello\n", encoding="utf-8")


def remove_override(project: Project) -> None:
    shutil.rmtree(project.root / "content" / "papers")


EDITS = [edit_abstract, add_override, add_paper, remove_paper, rename_paper, add_listing, change_template,
         change_partial_template, change_config, add_static_file, add_page, remove_override]


def assert_same_as_clean_build(project: Project, tmp_path: Path, name: str) -> None:
    clean = tmp_path / f"clean-{name}"
    build(project.root, out_dir=clean)
    assert snapshot(project.root / "site") == snapshot(clean), f"after {name}"


def test_every_kind_of_edit_gives_the_clean_build_bytes_and_the_cache_is_used(tmp_path):
    project = Project(tmp_path / "project")
    cache = BuildCache()
    first = build(project.root, incremental=True, cache=cache)
    assert first.written > 0
    again = build(project.root, incremental=True, cache=cache)
    assert again.written == 0 and again.removed == 0
    for edit in EDITS:
        edit(project)
        result = build(project.root, incremental=True, cache=cache)
        assert result.written > 0 or result.removed > 0, edit.__name__
        assert_same_as_clean_build(project, tmp_path, edit.__name__)


def test_an_edited_abstract_rewrites_only_the_pages_that_show_it(tmp_path):
    project = Project(tmp_path / "project")
    cache = BuildCache()
    total = build(project.root, incremental=True, cache=cache).written
    edit_abstract(project)
    result = build(project.root, incremental=True, cache=cache)
    changed = {path for path, data in snapshot(project.root / "site").items() if NEW_SENTENCE.encode() in data}
    assert any(path.endswith("index.html") and path.startswith("papers/") for path in changed)
    assert "search/documents.json" in changed
    assert 0 < result.written < total / 4
    assert_same_as_clean_build(project, tmp_path, "abstract")


def test_a_file_changed_or_deleted_in_the_output_behind_sitegens_back_is_restored(tmp_path):
    project = Project(tmp_path / "project")
    cache = BuildCache()
    build(project.root, incremental=True, cache=cache)
    site = project.root / "site"
    page = site / "papers" / project.slug_of_a_paper() / "index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"<", b"[", 1))  # same size, new mtime
    (site / "robots.txt").unlink()
    (site / "stray.html").write_text("left over", encoding="utf-8")
    result = build(project.root, incremental=True, cache=cache)
    assert page.read_bytes() == original
    assert (site / "robots.txt").is_file() and not (site / "stray.html").exists()
    assert result.written == 2 and result.removed == 1


def test_a_failed_build_leaves_the_cache_able_to_rebuild_correctly(tmp_path):
    project = Project(tmp_path / "project")
    cache = BuildCache()
    build(project.root, incremental=True, cache=cache)
    templates = project.root / "templates"
    templates.mkdir()
    (templates / "paper.html").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(Exception):
        build(project.root, incremental=True, cache=cache)
    (templates / "paper.html").unlink()
    edit_abstract(project)
    build(project.root, incremental=True, cache=cache)
    assert_same_as_clean_build(project, tmp_path, "after a failed build")


def test_the_cache_follows_a_switch_to_another_output_folder(tmp_path):
    project = Project(tmp_path / "project")
    cache = BuildCache()
    build(project.root, incremental=True, cache=cache)
    other = tmp_path / "other"
    build(project.root, out_dir=other, incremental=True, cache=cache)
    edit_abstract(project)
    build(project.root, out_dir=other, incremental=True, cache=cache)
    clean = tmp_path / "clean"
    build(project.root, out_dir=clean)
    assert snapshot(other) == snapshot(clean)


def test_source_date_epoch_reaches_the_feed_through_the_cache(tmp_path, monkeypatch):
    project = Project(tmp_path / "project")
    config = project.root / "sitegen.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "per_page", 'base_url = "https://example.org/"\nper_page', 1), encoding="utf-8")
    cache = BuildCache()
    build(project.root, incremental=True, cache=cache)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(project.root, incremental=True, cache=cache)
    assert b"2023-11-14T22:13:20Z" in (project.root / "site" / "feed.xml").read_bytes()


def test_the_seed_archive_rebuilds_identically_through_the_cache(seed_project, tmp_path):
    cache = BuildCache()
    build(seed_project, incremental=True, cache=cache)
    listing = sorted((seed_project / "content" / "listings").glob("*.txt"))[1]
    text = listing.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    longest = max(range(len(lines)), key=lambda number: len(lines[number]))
    lines[longest] = lines[longest].rstrip("\n") + f" {NEW_SENTENCE}\n"
    listing.write_text("".join(lines), encoding="utf-8")
    result = build(seed_project, incremental=True, cache=cache)
    assert 0 < result.written < 40
    clean = tmp_path / "clean"
    build(seed_project, out_dir=clean)
    assert snapshot(seed_project / "site") == snapshot(clean)
