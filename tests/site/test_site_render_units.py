"""Small pure pieces of rendering: relative URLs, pagination windows, date order, unicode tags."""

from __future__ import annotations

from sitegen.build import build
from sitegen.render.context import _pagination
from sitegen.render.markdown import make_markdown, render_markdown
from sitegen.render.site_index import _date_order
from sitegen.render.urls import base_path, output_file, relative, root_prefix
from site_helpers import broken_links, make_project, page_facts


def test_links_are_relative_to_the_page_and_encoded():
    assert root_prefix("") == "" and root_prefix("papers/x/") == "../../" and root_prefix("404.html") == ""
    assert relative("", "") == "./"
    assert relative("../../", "") == "../../"
    assert relative("../", "tags/visión/") == "../tags/visi%C3%B3n/"
    assert relative("/repo/", "a-z/#letter-a") == "/repo/a-z/#letter-a"
    assert output_file("") == "index.html" and output_file("papers/x/") == "papers/x/index.html"
    assert base_path("https://user.github.io/repo/") == "/repo/" and base_path("") == "/"


def test_pagination_shows_ends_and_neighbours_with_gaps():
    pager = _pagination("papers/", 50, 100)
    numbers = [number for number, _ in pager.pages]
    assert numbers == [1, None, 48, 49, 50, 51, 52, None, 100]
    assert pager.previous == "papers/page/49/" and pager.next == "papers/page/51/"
    first = _pagination("papers/", 1, 3)
    assert first.previous is None and [url for _, url in first.pages] == [
        "papers/", "papers/page/2/", "papers/page/3/"]


def test_listing_dates_sort_newest_first_dated_before_yearless_and_unparsable_last():
    labels = ["Mar 11", "someday", "Mar 12", "Feb 29", "2024-03-01", "March 3, 2023", "March 10"]
    assert sorted(labels, key=_date_order) == [
        "2024-03-01", "March 3, 2023", "Mar 12", "Mar 11", "March 10", "Feb 29", "someday"]


def test_unicode_tags_get_working_pages(tmp_path):
    project = make_project(tmp_path / "project", {"000_tiny": [
        ("Learning to Rank Tiny Things", "We rank tiny things with a tiny model and report it here."),
    ]}, files={"content/papers/learning-to-rank-tiny-things.md": "---\ntags: [Visión, visión]\n---\n"})
    site = build(project).out_dir
    assert [p.parent.name for p in site.glob("tags/*/index.html")] == ["visión"]
    assert "Learning to Rank Tiny Things" in page_facts(site / "tags" / "visión" / "index.html").text
    assert broken_links(site) == []


def test_markdown_headings_start_below_the_page_title_without_skipping_levels():
    md = make_markdown()
    assert str(render_markdown(md, "# A\n\n## B\n")) == "<h2>A</h2>\n<h3>B</h3>\n"
    assert str(render_markdown(md, "## A\n\n#### B\n")) == "<h2>A</h2>\n<h4>B</h4>\n"
    assert str(render_markdown(md, "### A\n", top_level=3)) == "<h3>A</h3>\n"
    assert str(render_markdown(md, "# A\n\n###### B\n")) == "<h2>A</h2>\n<h6>B</h6>\n"


def test_markdown_keeps_math_and_refuses_raw_html_and_script_urls():
    html = str(render_markdown(make_markdown(), "Cost $O(n_1 * n_2)$ <b>x</b> [y](javascript:alert(1)), $5 and $10"))
    assert "$O(n_1 * n_2)$" in html and "<em>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "javascript:" not in html.replace("[y](javascript:alert(1))", "")
    assert "$5 and $10" in html
