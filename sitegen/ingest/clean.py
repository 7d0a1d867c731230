"""Listing text -> clean title, abstract Markdown, abstract plain text and the URLs it mentions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .latex import Span, plain, to_spans

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Characters markdown-it could read as markup anywhere in a line.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|$])")
# Line starts that would turn a paragraph into a heading, quote, list or rule.
_BLOCK_START = re.compile(r"^(#|>|-|\+|=|(\d{1,9})([.)]))")


@dataclass(frozen=True)
class CleanAbstract:
    markdown: str
    text: str
    urls: tuple[str, ...]  # in order of appearance, as linked in the markdown


def normalize_space(text: str) -> str:
    text = unicodedata.normalize("NFC", _CONTROL_CHARS.sub("", text))
    return " ".join(text.split())


def clean_title(raw: str) -> str:
    """Plain text; LaTeX styling dropped, '^' and other literal characters kept ('S^2IP-LLM')."""
    return normalize_space(plain(to_spans(normalize_space(raw), find_links=False)))


def clean_abstract(raw: str) -> CleanAbstract:
    markdown_paragraphs: list[str] = []
    text_paragraphs: list[str] = []
    urls: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(raw):
        paragraph = normalize_space(paragraph)
        if not paragraph:
            continue
        spans = to_spans(paragraph)
        urls.extend(_urls(spans))
        markdown_paragraphs.append(_escape_block_start(normalize_space(_markdown(spans))))
        text_paragraphs.append(normalize_space(plain(spans)))
    return CleanAbstract("\n\n".join(markdown_paragraphs), "\n\n".join(text_paragraphs), tuple(urls))


def _urls(spans: tuple[Span, ...]) -> list[str]:
    found: list[str] = []
    for span in spans:
        if span.kind == "link":
            found.append(span.text)
        else:
            found.extend(_urls(span.children))
    return found


def _markdown(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        if span.kind == "text":
            out.append(_MARKDOWN_SPECIAL.sub(r"\\\1", span.text))
        elif span.kind == "math":
            out.append(span.text)
        elif span.kind == "link":
            label = _markdown(span.children).strip()
            out.append(f"[{label}](<{span.text}>)" if label else f"<{span.text}>")
        elif span.kind == "code":
            out.append(_code_span(plain(span.children)))
        else:
            marker = "**" if span.kind == "strong" else "*"
            out.append(_wrap(_markdown(span.children), marker))
    return "".join(out)


def _wrap(inner: str, marker: str) -> str:
    """Emphasis markers must touch the text, so surrounding spaces move outside them."""
    body = inner.strip()
    if not body:
        return inner
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    return f"{lead}{marker}{body}{marker}{trail}"


def _code_span(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _escape_block_start(markdown: str) -> str:
    match = _BLOCK_START.match(markdown)
    if not match:
        return markdown
    if match.group(2):
        return f"{match.group(2)}\\{markdown[len(match.group(2)):]}"
    return "\\" + markdown
