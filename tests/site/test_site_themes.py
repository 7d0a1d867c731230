"""Themes: project overrides, extending the theme's own template, the dense theme, theme errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.errors import SitegenError
from site_helpers import broken_links, make_project, page_facts

PAPERS = [
    ("Learning to Rank Tiny Things", "We rank tiny things with a tiny model and report it."),
    ("Graph Networks for Large Maps", "Graphs of maps are large; our network handles them. Code: https://github.com/x/maps"),
    ("Another Paper About Vision", "Vision is hard and this paper makes it slightly easier."),
]


def tiny(tmp_path: Path, config: str = 'title = "Tiny"\nper_page = 2\n', files=None) -> Path:
    return make_project(tmp_path / "project", {"000_tiny": PAPERS}, config=config, files=files)


def test_project_template_extends_the_themes_version_of_itself(tmp_path):
    project = tiny(tmp_path, files={
        "templates/paper.html": (
            '{% extends "theme:paper.html" %}\n'
            '{% block content %}{{ super() }}<aside class="reading-list">On my reading list</aside>{% endblock %}\n'
        ),
        "static/css/site.css": "body { color: rebeccapurple; }\n",
        "static/extra/logo.txt": "project asset\n",
    })
    site = build(project).out_dir
    paper = next(site.glob("papers/learning-*/index.html"))
    facts = page_facts(paper)
    assert "On my reading list" in facts.text
    assert "Learning to Rank Tiny Things" in facts.text and facts.h1_count == 1
    assert (site / "static/css/site.css").read_text() == "body { color: rebeccapurple; }\n"
    assert (site / "static/extra/logo.txt").read_text() == "project asset\n"
    assert (site / "static/favicon.svg").is_file(), "theme assets the project does not replace are kept"
    assert "On my reading list" not in (site / "index.html").read_text(encoding="utf-8")


def test_dense_theme_builds_tables_on_top_of_the_default_theme(tmp_path):
    site = build(tiny(tmp_path, config='title = "Tiny"\ntheme = "dense"\nper_page = 2\n')).out_dir
    listing = (site / "papers" / "index.html").read_text(encoding="utf-8")
    assert '<table class="paper-table">' in listing
    assert "static/css/dense.css" in listing and "static/css/site.css" in listing
    assert (site / "static/css/dense.css").is_file() and (site / "static/css/site.css").is_file()
    paper = next(site.glob("papers/graph-*/index.html")).read_text(encoding="utf-8")
    assert "static/css/dense.css" in paper and "ScholarlyArticle" in paper
    assert broken_links(site) == []


def test_default_theme_lists_papers_as_cards_not_tables(tmp_path):
    listing = (build(tiny(tmp_path)).out_dir / "papers" / "index.html").read_text(encoding="utf-8")
    assert '<ol class="paper-list"' in listing and "<table" not in listing


def test_project_theme_folder_can_define_a_child_theme(tmp_path):
    project = tiny(tmp_path, config='title = "Tiny"\ntheme = "mine"\n', files={
        "themes/mine/theme.toml": 'parent = "dense"\n',
        "themes/mine/templates/404.html": '{% extends "dense:404.html" %}{% block title %}Lost{% endblock %}',
    })
    site = build(project).out_dir
    assert "<title>Lost</title>" in (site / "404.html").read_text(encoding="utf-8")
    assert '<table class="paper-table">' in (site / "papers" / "index.html").read_text(encoding="utf-8")


def test_unknown_theme_names_the_setting_and_lists_themes(tmp_path):
    with pytest.raises(SitegenError) as caught:
        build(tiny(tmp_path, config='theme = "nope"\n'))
    assert caught.value.file == "sitegen.toml"
    assert "'nope'" in caught.value.message and "dense" in caught.value.message


def test_theme_inheritance_loop_is_an_error(tmp_path):
    project = tiny(tmp_path, config='theme = "a"\n', files={
        "themes/a/theme.toml": 'parent = "b"\n', "themes/a/templates/.keep": "",
        "themes/b/theme.toml": 'parent = "a"\n', "themes/b/templates/.keep": "",
    })
    with pytest.raises(SitegenError, match="loop: a -> b -> a"):
        build(project)


def test_template_syntax_error_names_file_and_line(tmp_path):
    project = tiny(tmp_path, files={"templates/page.html": "{% extends 'theme:page.html' %}\n",
                                    "templates/home.html": "<p>\n{% if %}\n"})
    with pytest.raises(SitegenError) as caught:
        build(project)
    assert caught.value.stage == "render"
    assert caught.value.file == "templates/home.html"
    assert caught.value.line == 2


def test_undefined_variable_in_a_template_is_an_error_not_blank_output(tmp_path):
    project = tiny(tmp_path, files={"templates/home.html": "<p>\n{{ no_such_thing }}\n"})
    with pytest.raises(SitegenError, match="no_such_thing") as caught:
        build(project)
    assert caught.value.file == "templates/home.html" and caught.value.line == 2


def test_python_error_inside_a_template_is_reported_at_its_line(tmp_path):
    project = tiny(tmp_path, files={"templates/404.html": "{% extends 'theme:404.html' %}\n"
                                    "{% block title %}{{ 1 // 0 }}{% endblock %}\n"})
    with pytest.raises(SitegenError, match="division") as caught:
        build(project)
    assert (caught.value.file, caught.value.line, caught.value.stage) == ("templates/404.html", 2, "render")


THEME_SEARCH_SCRIPT = Path(__file__).resolve().parents[2] / "themes/default/static/search/search.js"


def test_scripts_are_written_minified_keeping_licence_comments(tmp_path):
    project = tiny(tmp_path, files={
        "static/js/extra.js": "/*! extra.js, MIT licence */\n// say hello\nfunction greet(name) {\n"
                              "  return 'hello, ' + name; /* why not */\n}\n",
        "static/js/vendor.min.js": "var  kept = 1 ; // untouched\n",
    })
    site = build(project).out_dir
    assert (site / "static/js/extra.js").read_text() == (
        "/*! extra.js, MIT licence */function greet(name){return'hello, '+name;}")
    assert (site / "static/js/vendor.min.js").read_text() == "var  kept = 1 ; // untouched\n"
    source = THEME_SEARCH_SCRIPT.read_bytes()
    written = (site / "static/search/search.js").read_bytes()
    assert len(written) < 0.7 * len(source) and b"//" not in written.replace(b"://", b"")
    assert (site / "static/css/site.css").read_bytes() == (
        THEME_SEARCH_SCRIPT.parents[1] / "css/site.css").read_bytes(), "only scripts are minified"


def test_minify_js_false_writes_scripts_as_they_are(tmp_path):
    site = build(tiny(tmp_path, config='title = "Tiny"\nminify_js = false\n')).out_dir
    assert (site / "static/search/search.js").read_bytes() == THEME_SEARCH_SCRIPT.read_bytes()


def test_minify_js_must_be_true_or_false(tmp_path):
    with pytest.raises(SitegenError, match="'minify_js' must be true or false, got 'no'"):
        build(tiny(tmp_path, config='title = "Tiny"\nminify_js = "no"\n'))
