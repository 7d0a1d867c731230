"""Paper overrides (content/papers/<slug>.md) and stand-alone pages (content/pages/*.md)."""

from __future__ import annotations

import pytest
import yaml

from sitegen.build import build
from sitegen.documents import CollectionRef, PaperDocument, SourceFile, merge_override, parse_page
from sitegen.errors import SitegenError
from sitegen.model import Link
from site_helpers import broken_links, make_project, page_facts

PAPERS = [
    ("Learning to Rank Tiny Things", "We rank tiny things with a tiny model. Code: https://github.com/x/rank"),
    ("Graph Networks for Large Maps", "Graphs of maps are large; our network handles them well."),
]
SLUG = "learning-to-rank-tiny-things"


def document() -> PaperDocument:
    return PaperDocument(
        id="p1", slug=SLUG, title="Learning to Rank Tiny Things", abstract_markdown="We rank.",
        abstract_text="We rank.", notes_markdown="", links=(Link("https://github.com/x/rank", "code"),),
        tags=("ranking",), collections=(CollectionRef("000_tiny", "Tiny", "Mar 12"),),
    )


def override(text: str) -> SourceFile:
    return SourceFile(f"content/papers/{SLUG}.md", text)


def test_merge_rule_title_and_abstract_replace_tags_and_links_add_body_appends():
    merged = merge_override(document(), override(
        "---\n"
        "title: Learning to Rank Tiny Things (corrected)\n"
        "tags: [Ranking, small models]\n"
        "links:\n"
        "  - https://github.com/x/rank\n"
        "  - {url: 'https://data.example/tiny', kind: dataset}\n"
        "---\n"
        "Read this with the *appendix*.\n"
    ))
    assert merged.title == "Learning to Rank Tiny Things (corrected)"
    assert merged.abstract_markdown == "We rank."
    assert merged.tags == ("ranking", "small models"), "tags are added, case-insensitively de-duplicated"
    assert merged.links == (Link("https://github.com/x/rank", "code"), Link("https://data.example/tiny", "dataset"))
    assert merged.notes_markdown == "Read this with the *appendix*."
    assert merged.id == "p1" and merged.collections == document().collections
    assert merged.override_source == f"content/papers/{SLUG}.md"


def test_body_only_override_keeps_everything_and_adds_notes():
    merged = merge_override(document(), override("My notes.\n"))
    assert (merged.title, merged.tags, merged.links) == (document().title, document().tags, document().links)
    assert merged.body() == "We rank.\n\nMy notes.\n"


def test_abstract_override_replaces_text_for_pages_and_search():
    merged = merge_override(document(), override("---\nabstract: |\n  A *better*\n  abstract.\n---\n"))
    assert merged.abstract_markdown == "A *better*\nabstract."
    assert merged.abstract_text == "A *better* abstract."


@pytest.mark.parametrize("text, message, line", [
    ("---\nslug: other\n---\n", "unknown front matter key 'slug'", None),
    ("---\ntitle: [unclosed\n---\n", "not valid YAML", 2),
    ("---\ntitle: x\n", "no closing '---'", 1),
    ("---\n- a\n- b\n---\n", "must be a mapping", 2),
    ("---\nlinks: ['javascript:alert(1)']\n---\n", "needs an http:// or https:// URL", None),
    ("---\nlinks: [{url: 'https://x.org', kind: paper}]\n---\n", "not one of code, dataset", None),
    ("---\ntags: ['!!!']\n---\n", "needs at least one letter or digit", None),
    ("---\ntitle: ''\n---\n", "'title' is empty", None),
])
def test_bad_override_names_file_line_and_fix(text, message, line):
    with pytest.raises(SitegenError) as caught:
        merge_override(document(), override(text))
    assert message in caught.value.message
    assert caught.value.file == f"content/papers/{SLUG}.md"
    assert caught.value.line == line


def test_page_slug_must_not_shadow_site_folders():
    with pytest.raises(SitegenError, match="used by the site itself"):
        parse_page(SourceFile("content/pages/papers.md", "# Hi\n"))
    with pytest.raises(SitegenError, match="lower-case letters"):
        parse_page(SourceFile("content/pages/About Us.md", "# Hi\n"))


def test_override_and_pages_reach_the_built_site(tmp_path):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS}, files={
        f"content/papers/{SLUG}.md": "---\ntitle: Ranking Tiny Things\ntags: [Ranking]\n---\n# My notes\n\nSee $O(n)$.\n",
        "content/papers/no-such-paper.md": "Orphan notes.\n",
        "content/pages/about.md": "---\ntitle: About this archive\norder: 1\n---\nWe collect *papers*.\n",
        "content/pages/contact.md": "Write to us.\n",
        "content/pages/faq.txt": "Q: A?\n",
        "content/pages/about.md~": "an editor backup\n",
    })
    result = build(project)
    site = result.out_dir
    page = page_facts(site / "papers" / SLUG / "index.html")
    assert "Ranking Tiny Things" in page.text and "Learning to Rank Tiny Things" not in page.text
    assert "My notes" in page.text and "$O(n)$" in page.text
    assert page.h1_count == 1, "a '# heading' in notes is shifted below the page title"
    meta = yaml.safe_load((site / "papers" / SLUG / "index.md").read_text().split("---\n")[1])
    assert meta["title"] == "Ranking Tiny Things" and meta["tags"] == ["Ranking"]
    assert "Ranking Tiny Things" in page_facts(site / "tags" / "ranking" / "index.html").text
    assert [str(w) for w in result.warnings] == [
        "content/pages/faq.txt: warning (documents): only .md files are read here, so this file is ignored; "
        "rename it to end in .md if it is meant as content",
        "content/papers/no-such-paper.md: warning (documents): no paper has the slug 'no-such-paper', so this "
        "file changes nothing; rename it to match the folder name of the paper's page under site/papers/"
    ]
    about = page_facts(site / "about" / "index.html")
    assert "About this archive" in about.text and "We collect papers." in about.text
    home = (site / "index.html").read_text(encoding="utf-8")
    # Pages are listed by `order` (default 0), then title.
    assert home.index('href="contact/">Contact') < home.index('href="about/">About this archive')
    assert 'href="../about/">About this archive' in (site / "papers" / "index.html").read_text(encoding="utf-8")
    assert broken_links(site) == []
