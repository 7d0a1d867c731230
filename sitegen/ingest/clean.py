"""Listing text -> clean title, abstract Markdown, abstract plain text and the URLs it mentions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .latex import Span, is_plain, plain, to_spans

# ASCII characters that normalize_space removes or treats as whitespace other than ' '.
_ASCII_CONTROLS = bytes(range(0x20)) + b"\x7f"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Characters markdown-it could read as markup anywhere in a line; the backslash comes first.
_MARKDOWN_SPECIAL_CHARS = "\\`*_[]<>&~|$"
# Line starts that would turn a paragraph into a heading, quote, list or rule.
_BLOCK_START = re.compile(r"^(#|>|-|\+|=|(\d{1,9})([.)]))")


@dataclass(frozen=True)
class CleanAbstract:
    markdown: str
    text: str
    urls: tuple[str, ...]  # in order of appearance, as linked in the markdown


def normalize_space(text: str) -> str:
    if text.isascii() and len(text.encode("ascii").translate(None, _ASCII_CONTROLS)) == len(text):
        # Printable ASCII (nearly every line of a listing): nothing to remove or compose, and
        # the only whitespace is ' ', so most lines come back as they are without being split.
        if "  " not in text and text[:1] != " " and text[-1:] != " ":
            return text
        return " ".join(text.split())
    text = unicodedata.normalize("NFC", _CONTROL_CHARS.sub("", text))
    return " ".join(text.split())


def clean_title(raw: str) -> str:
    """Plain text; LaTeX styling dropped, '^' and other literal characters kept ('S^2IP-LLM')."""
    title = normalize_space(raw)
    if is_plain(title, find_links=False):
        return title
    return normalize_space(plain(to_spans(title, find_links=False)))


def clean_abstract(raw: str, *, spaced: bool = False) -> CleanAbstract:
    """SPACED: every paragraph of RAW is normalize_space'd already, as parse_listing's are; saying
    so saves a pass over the text."""
    markdown_paragraphs: list[str] = []
    text_paragraphs: list[str] = []
    urls: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(raw) if "\n" in raw else (raw,):
        if not spaced:
            paragraph = normalize_space(paragraph)
        if not paragraph:
            continue
        markdown, text = _plain_paragraph(paragraph) if is_plain(paragraph) else _latex_paragraph(paragraph, urls)
        markdown_paragraphs.append(markdown)
        text_paragraphs.append(text)
    return CleanAbstract("\n\n".join(markdown_paragraphs), "\n\n".join(text_paragraphs), tuple(urls))


def _plain_paragraph(paragraph: str) -> tuple[str, str]:
    """(Markdown, text) of a space-normalized paragraph with no TeX and no URL: what
    _latex_paragraph gives for it, without building spans. Escaping only inserts backslashes,
    which neither adds whitespace nor changes the Unicode normal form."""
    return _escape_block_start(_escape_markdown(paragraph)), paragraph


def _latex_paragraph(paragraph: str, urls: list[str]) -> tuple[str, str]:
    """(Markdown, text) of a space-normalized paragraph; the URLs it links are added to URLS."""
    spans = to_spans(paragraph)
    urls.extend(_urls(spans))
    return _escape_block_start(normalize_space(_markdown(spans))), normalize_space(plain(spans))


def _escape_markdown(text: str) -> str:
    # Backslashes first, so the ones added for the other characters are not escaped again.
    for char in _MARKDOWN_SPECIAL_CHARS:
        if char in text:
            text = text.replace(char, "\\" + char)
    return text


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
            out.append(_escape_markdown(span.text))
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
