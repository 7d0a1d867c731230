"""Markdown to HTML for abstracts, notes and pages: CommonMark, raw HTML off, $math$ kept as text."""

from __future__ import annotations

from html import escape

from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin


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
    tokens = md.parse(text)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = top_level - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    return Markup(md.renderer.render(tokens, md.options, {}))
