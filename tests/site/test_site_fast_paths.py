"""The render stage's shortcuts give byte for byte what the general code gives.

Plain abstracts skip markdown-it, and a paper's published front matter is written without yaml's
representer; both must stay indistinguishable from the slow path on any input.
"""

from __future__ import annotations

import string

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.config import load_config
from sitegen.documents import _YAML_DUMPER, PaperDocument, make_documents
from sitegen.ingest import load_archive
from sitegen.model import Link
from sitegen.render.markdown import make_markdown, parsed_and_rendered, render_markdown, simple_paragraph
from tests.conftest import REPO_ROOT

MD = make_markdown()

# Cases at the edge of what the shortcut takes: each must come out exactly as markdown-it renders it.
TRICKY = [
    "A plain abstract, with punctuation: commas; (parentheses) and 'quotes' \"too\" > and ] alone.",
    "Escapes \\* \\_ \\[ \\] \\< \\> \\& \\` \\~ \\| \\$ \\# \\\\ stay literal.",
    "Code at <https://github.com/a/b_c> and <http://x.org/?q=1&r=2>.",
    "An address with an entity <https://x.org/a&amp;b> and <HTTPS://X.ORG/Caps>.",
    "Not links: <javascript:alert(1)> <mailto:a@b.org> <a@b.org> <https://x y> <https://x.",
    "Unicode títulos — ünïcode “quotes” and ∑ math ≤ 3, emoji 🙂.",
    "Raw html <b>bold</b> & an &amp; entity and &#35; numeric.",
    "Math $x_1 * y$ and money $5 to $10.",
    "Ends with a backslash \\",
    "Backslash before a letter \\method stays.",
    "Trailing spaces   ",
    "Inner\u00a0no-break and\ttab.",
    "Line one\nline two",
    "Two paragraphs.\n\nSecond one.",
    "1. Looks like a list",
    "2024) also a list",
    "# Heading",
    "> quote",
    "- item",
    "    indented code",
    "```fence```",
    "*emphasis* and _under_ and **strong**",
    "[a link](https://x.org) and ![image](x.png)",
    "`code span` here",
    "\u00a0Starts with a no-break space",
    "",
    "x",
]


def test_plain_abstracts_render_exactly_as_markdown_it_renders_them():
    for text in TRICKY:
        expected = MD.render(text)
        fast = simple_paragraph(MD, text)
        assert fast is None or fast == expected, text
        assert str(render_markdown(MD, text, top_level=2)) == parsed_and_rendered(MD, text, 2), text


def test_most_seed_abstracts_take_the_shortcut_and_match_markdown_it():
    archive = load_archive(load_config(REPO_ROOT))
    fast = 0
    for paper in archive.papers:
        html = simple_paragraph(MD, paper.abstract_markdown)
        if html is not None:
            fast += 1
            assert html == MD.render(paper.abstract_markdown), paper.title
    # The shortcut is only worth having if ordinary abstracts take it.
    assert fast > 0.9 * len(archive.papers)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=string.ascii_letters[:6] + " \\*_[]<>&$`!#-+.:/()~|0123456789\n\t\u00a0é", max_size=40))
def test_any_text_renders_as_markdown_it_would(text):
    fast = simple_paragraph(MD, text)
    assert fast is None or fast == MD.render(text)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A[A-Za-z][a-z ]{0,12}<https?://[a-zA-Z0-9_.&;%/?=#\\*-]{0,20}>[a-z .\\_*]{0,8}\Z"))
def test_autolinks_render_as_markdown_it_would(text):
    fast = simple_paragraph(MD, text)
    assert fast is None or fast == MD.render(text)


def _dumped(document: PaperDocument) -> str:
    header = yaml.dump(document.front_matter(), Dumper=_YAML_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{header}---\n\n{document.body()}"


def test_every_seed_paper_source_is_what_yaml_dump_writes():
    config = load_config(REPO_ROOT)
    archive = load_archive(config)
    for document in make_documents(archive, (), (), config.collection_names).papers:
        assert document.to_markdown() == _dumped(document)


awkward_text = st.one_of(
    st.text(max_size=150),
    st.sampled_from(["null", "yes", "No", "~", "0x1F", "1e3", "2024-03-12", "- dash", "key: value", "#hash",
                     "'quoted'", '"double"', " leading", "trailing ", "a\nb", "@at", "`tick", "%pct", "*star",
                     "&anchor", "!tag", "|pipe", ">fold", "x" * 130, " ".join(["word"] * 40)]),
)


@settings(max_examples=300, deadline=None)
@given(title=awkward_text, tags=st.lists(awkward_text, max_size=3),
       urls=st.lists(awkward_text, max_size=2), name=awkward_text, date=st.one_of(st.none(), awkward_text))
def test_any_front_matter_is_written_as_yaml_dump_writes_it(title, tags, urls, name, date):
    from sitegen.documents import CollectionRef

    document = PaperDocument(
        id="p0123456789", slug="s", title=title, abstract_markdown="A.", abstract_text="A.", notes_markdown="",
        links=tuple(Link(url, "code") for url in urls), tags=tuple(tags),
        collections=(CollectionRef("k", name, date),))
    assert document.to_markdown() == _dumped(document)
