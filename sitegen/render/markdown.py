"""Markdown to HTML for abstracts, notes and pages: CommonMark, raw HTML off, $math$ kept as text."""

from __future__ import annotations

import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline.autolink import AUTOLINK_RE
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Characters at which markdown-it's inline rules (escape, math, code, emphasis, links, autolinks,
# entities) or its line handling may produce anything but the character itself.
_INLINE_SYNTAX = re.compile(r"[\\$`*_\[<&\x00\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# A paragraph starting with a letter cannot be taken for a heading, list, quote, fence or code block.
_PLAIN_START = re.compile(r"[^\W\d_]")


def _keep_math_readable(content: str, options: dict) -> str:
    # No math renderer ships with the site, so show the source with its delimiters;
    # the plugin's job is only to stop `_` and `*` inside $...$ from becoming emphasis.
    delimiter = "$$" if options.get("display_mode") else "$"
    return escape(f"{delimiter}{content}{delimiter}")


def make_markdown() -> MarkdownIt:
    # allow_digits=False: "$5 to $10" in an abstract is money, not math.
    return MarkdownIt("commonmark", {"html": False}).use(
        dollarmath_plugin, allow_digits=False, renderer=_keep_math_readable
    )


def render_markdown(md: MarkdownIt, text: str, top_level: int = 2) -> Markup:
    """TEXT as HTML whose highest heading is TOP_LEVEL, so the page's outline never skips a level."""
    simple = simple_paragraph(md, text)
    if simple is not None:
        return Markup(simple)
    return Markup(parsed_and_rendered(md, text, top_level))


def parsed_and_rendered(md: MarkdownIt, text: str, top_level: int = 2) -> str:
    """render_markdown without the plain-paragraph shortcut: markdown-it's own parse and render."""
    tokens = md.parse(text)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = top_level - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    return md.renderer.render(tokens, md.options, {})


def simple_paragraph(md: MarkdownIt, text: str) -> str | None:
    """MD's HTML for TEXT when TEXT is one line of plain prose, backslash escapes and http(s) autolinks
    (most abstracts), made without parsing; None for anything else, which the full parser handles.

    Parsing costs about 0.1 ms per abstract; at tens of thousands of papers that is most of a build's
    Markdown time. tests/site/test_site_markdown_fast.py holds this to markdown-it's output.
    """
    if not text or not _PLAIN_START.match(text) or text[-1].isspace():
        return None
    parts = ["<p>"]
    at = 0
    for special in _INLINE_SYNTAX.finditer(text):
        start = special.start()
        if start < at:
            continue  # inside an autolink or escape already consumed
        parts.append(escapeHtml(text[at:start]))
        char = special.group()
        if char == "\\":
            escaped = text[start + 1:start + 2]
            if escaped not in _ASCII_PUNCTUATION:
                return None
            parts.append(escapeHtml(escaped))
            at = start + 2
        elif char == "<":
            link = _autolink(md, text, start)
            if link is None:
                return None
            html, at = link
            parts.append(html)
        else:
            return None
    parts.append(escapeHtml(text[at:]))
    parts.append("</p>\n")
    return "".join(parts)


def _autolink(md: MarkdownIt, text: str, start: int) -> tuple[str, int] | None:
    # The same test and normalization as markdown-it's autolink rule, limited to web addresses.
    end = text.find(">", start + 1)
    if end < 0 or "<" in text[start + 1:end]:
        return None
    url = text[start + 1:end]
    if not url.lower().startswith(("http://", "https://")) or AUTOLINK_RE.search(url) is None:
        return None
    href = md.normalizeLink(url)
    if not md.validateLink(href):
        return None
    return f'<a href="{escapeHtml(href)}">{escapeHtml(md.normalizeLinkText(url))}</a>', end + 1
