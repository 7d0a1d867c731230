"""Turn the LaTeX left in listing text into spans of plain text, emphasis, math and links.

Listings are plain text with stray LaTeX, not LaTeX documents: '%', '_', '^' and '&' are literal
characters there, so a general LaTeX-to-text converter would eat text (a '%' starts a comment in
LaTeX). This module only undoes the handful of constructs that actually appear in such dumps and
keeps everything else as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .links import URL_RE, canonical_url, is_plausible_url, trim_url


@dataclass(frozen=True)
class Span:
    kind: str  # "text" | "strong" | "emph" | "code" | "math" | "link"
    text: str = ""  # text, math source (with its $ delimiters) or link URL
    children: tuple[Span, ...] = ()  # content of strong/emph/code, or link label


_STRONG = frozenset({"textbf", "bf", "mathbf", "bm", "boldsymbol"})
_EMPH = frozenset({"emph", "textit", "it", "em", "mathit", "textsl", "sl"})
_CODE = frozenset({"texttt", "tt", "mathtt", "verb", "path"})
# Commands whose argument is ordinary text: keep the argument, drop the command.
_TRANSPARENT = frozenset({
    "textsc", "textrm", "textsf", "textnormal", "textup", "textmd", "underline", "mbox", "hbox",
    "text", "mathrm", "mathsf", "uppercase", "lowercase", "footnotesize", "small", "large", "sc", "rm",
    "url",  # its argument is found as a link like any other URL
})
_STYLED = _STRONG | _EMPH | _CODE | _TRANSPARENT
_WORDS = {
    "ie": "i.e.", "eg": "e.g.", "etal": "et al.", "etc": "etc.", "cf": "cf.", "wrt": "w.r.t.",
    "vs": "vs.", "aka": "a.k.a.", "iid": "i.i.d.", "ldots": "…", "dots": "…", "textellipsis": "…",
    "ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "l": "ł", "L": "Ł", "i": "ı", "textasciitilde": "~", "textbackslash": "\\", "textendash": "–",
    "textemdash": "—", "LaTeX": "LaTeX", "TeX": "TeX", "space": " ", "quad": " ", "qquad": " ",
    "newline": " ", "par": " ", "noindent": "", "xspace": "", "relax": "", "centering": "",
}
_ACCENT_SYMBOLS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307"}
_ACCENT_LETTERS = {"c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331"}
_ESCAPED_LITERALS = frozenset("&%_#${}")
_SPACING = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "/": "", "-": ""}
_CONTROL_WORD = re.compile(r"[A-Za-z]+")
_BRACE_TOKEN = re.compile(r"\\.|[{}]", re.DOTALL)
# What the scanner stops at: these characters, and with find_links a URL (_URL_SCHEME).
_MARKERS = ("\\", "{", "$", "~")
_URL_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_LATEX_QUOTES = re.compile(r"``([^`']{1,500})''")
# Real abstracts nest styles two or three deep and keep maths short; the bounds keep hostile
# input (thousands of nested braces or dollars) linear instead of quadratic or recursion-deep.
_MAX_NESTING = 8
_MAX_MATH_LENGTH = 1000


def is_plain(text: str, find_links: bool = True) -> bool:
    """True when TEXT holds nothing this module would change: no TeX, no ``quotes'', no URL.

    Most abstracts are like that, and a few substring tests are far cheaper than scanning them.
    A test for one character is much faster than for two, so a rare character goes first.
    """
    return not (
        "\\" in text or "{" in text or "$" in text or "~" in text
        or ("`" in text and "``" in text)
        or (find_links and "/" in text and "://" in text)
    )


def to_spans(text: str, find_links: bool = True, depth: int = 0) -> tuple[Span, ...]:
    """Parse one paragraph of listing text."""
    if depth > _MAX_NESTING:
        return (Span("text", text),)
    if is_plain(text, find_links):
        return (Span("text", text),) if text else ()
    return _Scanner(_curly_quotes(text), find_links, depth).run()


def _curly_quotes(text: str) -> str:
    """``x'' -> “x”"""
    if "``" not in text:
        return text
    return _LATEX_QUOTES.sub(lambda m: f"\u201c{m.group(1)}\u201d", text)


def plain(spans: tuple[Span, ...]) -> str:
    out = []
    for span in spans:
        if span.kind == "text":
            out.append(span.text)
        elif span.kind == "math":
            out.append(span.text.strip("$"))
        elif span.kind == "link":
            label = plain(span.children)
            out.append(f"{label} ({span.text})" if label else span.text)
        else:
            out.append(plain(span.children))
    return "".join(out)


class _Scanner:
    """One left-to-right pass; local state only, discarded after run()."""

    def __init__(self, text: str, find_links: bool, depth: int):
        self.text = text
        self.depth = depth
        self.braces = _brace_pairs(text) if "{" in text else {}
        self.pos = 0
        self.find_links = find_links
        self.spans: list[Span] = []
        self.pending: list[str] = []
        # Marker ("\\", "{", "$", "~" or "://") -> where it next occurs at or after some earlier
        # position, len(text) for nowhere: each marker's occurrences are then searched for once.
        self.next_at: dict[str, int] = {}

    def run(self) -> tuple[Span, ...]:
        text = self.text
        while self.pos < len(text):
            found = self._next_special()
            if found == len(text):
                self.pending.append(text[self.pos :])
                break
            if found > self.pos:
                self.pending.append(text[self.pos : found])
                self.pos = found
            char = text[self.pos]
            if char in "hH" and self._link():
                continue
            if char == "$" and self._math():
                continue
            if char == "\\":
                self._command()
            elif char == "{":
                self._group()
            elif char == "~":
                before = text[self.pos - 1] if self.pos else " "
                after = text[self.pos + 1] if self.pos + 1 < len(text) else " "
                # Between two words '~' is LaTeX's unbreakable space; elsewhere it means "about" (~10%).
                tie = not (before.isspace() or after.isspace() or "~" in (before, after))
                self.pending.append(" " if tie else "~")
                self.pos += 1
            else:
                self.pending.append(char)
                self.pos += 1
        self._flush()
        return tuple(self.spans)

    def _next_special(self) -> int:
        """Where the next marker or URL starts, at or after self.pos; len(text) for nowhere.
        str.find runs much faster than one regular expression searching for all of them."""
        nearest = len(self.text)
        for marker in _MARKERS:
            nearest = min(nearest, self._next(marker))
        if self.find_links:
            nearest = min(nearest, self._next("://"))
        return nearest

    def _next(self, marker: str) -> int:
        text, pos = self.text, self.pos
        found = self.next_at.get(marker, -1)
        if found >= pos:
            return found
        found = text.find(marker, pos) if marker != "://" else _find_url(text, pos)
        self.next_at[marker] = found = len(text) if found < 0 else found
        return found

    def _flush(self) -> None:
        if self.pending:
            self.spans.append(Span("text", "".join(self.pending)))
            self.pending = []

    def _emit(self, span: Span) -> None:
        self._flush()
        self.spans.append(span)

    def _link(self) -> bool:
        match = URL_RE.match(self.text, self.pos)
        if not match:
            return False
        if self.pos and (self.text[self.pos - 1].isalnum()):
            return False
        url, _ = trim_url(match.group())
        if not is_plausible_url(url):
            return False
        self.pos += len(url)
        url = canonical_url(url)
        label: tuple[Span, ...] = ()
        if self.pos < len(self.text) and self.text[self.pos] == "{":
            end = self.braces.get(self.pos)
            if end is not None:
                inner = self.text[self.pos + 1 : end].strip()
                # "\url{x}" and "\href{x}{x}" lose their backslash and braces in these dumps,
                # leaving "x{x}": the braces repeat the URL or give the link's text.
                inner_url = trim_url(inner)[0]
                if inner_url and is_plausible_url(inner_url) and canonical_url(inner_url).rstrip("/") == url.rstrip("/"):
                    label = ()
                else:
                    label = to_spans(inner, False, self.depth + 1)
                self.pos = end + 1
        if self.pending and not self.pending[-1][-1:].isspace() and self.pending[-1][-1:] not in "([\"'“":
            # Two URLs glued by the dump ("...Synthesis.https://...") read as one without a space.
            self.pending.append(" ")
        self._emit(Span("link", url, label))
        return True

    def _math(self) -> bool:
        text, start = self.text, self.pos
        delimiter = "$$" if text.startswith("$$", start) else "$"
        body_start = start + len(delimiter)
        if body_start >= len(text) or text[body_start].isspace():
            return False
        search = body_start
        while True:
            end = text.find(delimiter, search, body_start + _MAX_MATH_LENGTH)
            if end < 0:
                return False
            if end > body_start and not text[end - 1].isspace() and text[end - 1] != "\\":
                after = end + len(delimiter)
                if delimiter == "$$" or after >= len(text) or not text[after].isdigit():
                    self._emit(Span("math", text[start : end + len(delimiter)]))
                    self.pos = end + len(delimiter)
                    return True
            search = end + 1

    def _command(self) -> None:
        text, start = self.text, self.pos
        if start + 1 >= len(text):
            self.pos += 1
            return
        nxt = text[start + 1]
        if nxt == "\\":
            self.pending.append(" ")
            self.pos += 2
            return
        if nxt in _ESCAPED_LITERALS:
            self.pending.append(nxt)
            self.pos += 2
            return
        if nxt in _ACCENT_SYMBOLS:
            self.pos += 2
            self._accent(_ACCENT_SYMBOLS[nxt])
            return
        if nxt in _SPACING:
            self.pending.append(_SPACING[nxt])
            self.pos += 2
            return
        word = _CONTROL_WORD.match(text, start + 1)
        if not word:
            # A backslash before anything else is noise; keep the character.
            self.pos += 1
            return
        name = word.group()
        self.pos = word.end()
        has_argument = self.pos < len(text) and text[self.pos] == "{"
        if name in _ACCENT_LETTERS and has_argument:
            self._accent(_ACCENT_LETTERS[name])
        elif name == "href" and has_argument:
            self._href(self._argument())
        elif has_argument and name in _STYLED:
            self._styled(name, self._argument())
        elif name in _WORDS:
            self.pending.append(_WORDS[name])
            self._skip_empty_group()
        else:
            # Unknown macros (\method, \overfeat) usually name the thing they stand for.
            self.pending.append(name)
            self._skip_empty_group()

    def _href(self, target: str) -> None:
        label = self._argument() if self.text.startswith("{", self.pos) else ""
        url = trim_url(target.strip())[0]
        if not (self.find_links and URL_RE.fullmatch(url) and is_plausible_url(url)):
            self.pending.append(f"{label} ({target})" if label else target)
            return
        self._emit(Span("link", canonical_url(url), to_spans(label, False, self.depth + 1)))

    def _argument(self) -> str:
        end = self.braces.get(self.pos)
        if end is None:
            inner = self.text[self.pos + 1 :]
            self.pos = len(self.text)
        else:
            inner = self.text[self.pos + 1 : end]
            self.pos = end + 1
        return inner

    def _styled(self, name: str, inner: str) -> None:
        children = to_spans(inner, self.find_links, self.depth + 1)
        if name in _STRONG:
            self._emit(Span("strong", children=children))
        elif name in _EMPH:
            self._emit(Span("emph", children=children))
        elif name in _CODE:
            self._emit(Span("code", children=children))
        else:
            self._flush()
            self.spans.extend(children)

    def _skip_empty_group(self) -> None:
        if self.text.startswith("{}", self.pos):
            self.pos += 2

    def _accent(self, mark: str) -> None:
        text = self.text
        if self.pos < len(text) and text[self.pos] == "{":
            end = self.braces.get(self.pos)
            base = text[self.pos + 1 : end] if end is not None else ""
            if end is not None and len(base) <= 2:
                self.pos = end + 1
            else:
                base = ""
        else:
            base = text[self.pos] if self.pos < len(text) and text[self.pos].isalpha() else ""
            self.pos += len(base)
        if base == "\\i":
            base = "i"
        if base:
            self.pending.append(unicodedata.normalize("NFC", base + mark))

    def _group(self) -> None:
        text = self.text
        end = self.braces.get(self.pos)
        if end is None:
            self.pending.append("{")
            self.pos += 1
            return
        inner = text[self.pos + 1 : end]
        switch = _CONTROL_WORD.match(inner, 1) if inner.startswith("\\") else None
        if switch and switch.group() in _STYLED:
            # Old-style "{\bf text}": the command switches style until the group ends.
            self.pos = end + 1
            self._styled(switch.group(), inner[switch.end():].lstrip())
        elif inner.startswith("\\") and len(plain(protected := to_spans(inner, False, self.depth + 1))) <= 2:
            # "{\"a}": braces only protect an accented letter.
            self.pos = end + 1
            self._flush()
            self.spans.extend(protected)
        else:
            # Other braces are kept: in these dumps they are mostly maths that lost its
            # backslashes ("mathcal{O}(d^k)"), where removing them would garble it further.
            self.pending.append("{")
            self.pos += 1


def _find_url(text: str, pos: int) -> int:
    """Where _URL_SCHEME first matches at or after POS, or -1: at the "http(s)" before a "://"."""
    colon = text.find("://", pos)
    while colon >= 0:
        for start in (colon - 5, colon - 4):
            if start >= pos and _URL_SCHEME.match(text, start):
                return start
        colon = text.find("://", colon + 1)
    return -1


def _brace_pairs(text: str) -> dict[int, int]:
    """Position of each unescaped '{' that is closed -> position of its '}' (one linear pass)."""
    pairs: dict[int, int] = {}
    open_positions: list[int] = []
    for token in _BRACE_TOKEN.finditer(text):
        if token.group() == "{":
            open_positions.append(token.start())
        elif token.group() == "}" and open_positions:
            pairs[open_positions.pop()] = token.start()
    return pairs
