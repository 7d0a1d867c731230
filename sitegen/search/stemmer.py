"""The English stemmer of lunr.js 2.3.9, in Python, so indexed terms are what the browser's queries stem to.

lunr.py ships another Porter stemmer: it stems "survey" to "survei" and keeps "cry", where lunr.js
keeps "survey" and gives "cri". An index stemmed by lunr.py therefore misses such words when
lunr.js stems the reader's query, so the index is built with this port instead.

Ported from lunr.js 2.3.9, lib/stemmer.js (Copyright (C) 2013 Oliver Nightingale, MIT licence),
itself based on Martin Porter's JavaScript stemmer (http://tartarus.org/~martin/PorterStemmer/js.txt).
The port keeps JavaScript's semantics where Python's differ: strings are sequences of UTF-16 code
units, "." does not match line terminators, and "$" matches only at the very end.
"""

from __future__ import annotations

import re

from lunr.index import Index
from lunr.pipeline import Pipeline
from lunr.token import Token

PIPELINE_LABEL = "stemmer"  # the name lunr.js registers its stemmer under; the index's pipeline lists it

_ANY = r"[^\n\r\u2028\u2029]"  # JavaScript's "."
_END = r"\Z"  # JavaScript's "$": Python's also matches before a final newline

_CONSONANT = "[^aeiou]"
_VOWEL = "[aeiouy]"
_CONSONANTS = _CONSONANT + "[^aeiouy]*"
_VOWELS = _VOWEL + "[aeiou]*"

# Porter's measure m of a stem: the number of vowel-consonant runs.
_M_ABOVE_0 = re.compile(f"^({_CONSONANTS})?{_VOWELS}{_CONSONANTS}")
_M_IS_1 = re.compile(f"^({_CONSONANTS})?{_VOWELS}{_CONSONANTS}({_VOWELS})?{_END}")
_M_ABOVE_1 = re.compile(f"^({_CONSONANTS})?{_VOWELS}{_CONSONANTS}{_VOWELS}{_CONSONANTS}")
_HAS_VOWEL = re.compile(f"^({_CONSONANTS})?{_VOWEL}")
_LAST_CHARACTER = re.compile(f"{_ANY}{_END}")

_STEP_1A_SSES_IES = re.compile(f"^({_ANY}+?)(ss|i)es{_END}")
_STEP_1A_S = re.compile(f"^({_ANY}+?)([^s])s{_END}")
_STEP_1B_EED = re.compile(f"^({_ANY}+?)eed{_END}")
_STEP_1B_ED_ING = re.compile(f"^({_ANY}+?)(ed|ing){_END}")
_STEP_1B_RESTORE_E = re.compile(f"(at|bl|iz){_END}")
_STEP_1B_DOUBLE = re.compile(f"([^aeiouylsz])\\1{_END}")
_SHORT_CVC = re.compile(f"^{_CONSONANTS}{_VOWEL}[^aeiouwxy]{_END}")
_STEP_1C = re.compile(f"^({_ANY}+?[^aeiou])y{_END}")

_STEP_2_SUFFIXES = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble",
    "alli": "al", "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate",
    "ator": "ate", "alism": "al", "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al",
    "iviti": "ive", "biliti": "ble", "logi": "log",
}
_STEP_3_SUFFIXES = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}
_STEP_4_SUFFIXES = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ou",
                    "ism", "ate", "iti", "ous", "ive", "ize")


def _suffix_pattern(suffixes) -> re.Pattern[str]:
    # Alternatives in lunr.js's order: the regex engine takes the first that lets the match succeed.
    return re.compile(f"^({_ANY}+?)({'|'.join(suffixes)}){_END}")


_STEP_2 = _suffix_pattern(_STEP_2_SUFFIXES)
_STEP_3 = _suffix_pattern(_STEP_3_SUFFIXES)
_STEP_4 = _suffix_pattern(_STEP_4_SUFFIXES)
_STEP_4_ION = re.compile(f"^({_ANY}+?)(s|t)(ion){_END}")
_STEP_5_E = re.compile(f"^({_ANY}+?)e{_END}")
_STEP_5_LL = re.compile(f"ll{_END}")

_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def stem(word: str) -> str:
    """WORD stemmed exactly as lunr.js 2.3.9's `lunr.stemmer` stems it."""
    if not _BEYOND_BMP.search(word):
        return _porter_stem(word)
    # lunr.js measures and matches UTF-16 code units, so a character past U+FFFF counts as two.
    units = _BEYOND_BMP.sub(_surrogate_pair, word)
    # Re-joins the pairs the stemmer left whole (it only ever adds or drops ASCII letters).
    return _porter_stem(units).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _surrogate_pair(match: re.Match[str]) -> str:
    offset = ord(match[0]) - 0x10000
    return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))


def _drop_last_character(word: str) -> str:
    return _LAST_CHARACTER.sub("", word, count=1)


def _porter_stem(word: str) -> str:
    if len(word) < 3:
        return word

    # An initial y is a consonant; upper case keeps the vowel patterns from seeing it.
    starts_with_y = word[0] == "y"
    if starts_with_y:
        word = "Y" + word[1:]

    if match := _STEP_1A_SSES_IES.search(word) or _STEP_1A_S.search(word):
        word = match[1] + match[2]

    # In steps 1b and 4 a word with the first suffix never tries the second, even when its
    # stem is too short to lose the first: hence the nested conditions.
    if match := _STEP_1B_EED.search(word):
        if _M_ABOVE_0.search(match[1]):
            word = _drop_last_character(word)
    elif match := _STEP_1B_ED_ING.search(word):  # noqa: SIM102
        if _HAS_VOWEL.search(match[1]):
            word = match[1]
            if _STEP_1B_RESTORE_E.search(word):
                word += "e"
            elif _STEP_1B_DOUBLE.search(word):
                word = _drop_last_character(word)
            elif _SHORT_CVC.search(word):
                word += "e"

    if match := _STEP_1C.search(word):
        word = match[1] + "i"

    if (match := _STEP_2.search(word)) and _M_ABOVE_0.search(match[1]):
        word = match[1] + _STEP_2_SUFFIXES[match[2]]

    if (match := _STEP_3.search(word)) and _M_ABOVE_0.search(match[1]):
        word = match[1] + _STEP_3_SUFFIXES[match[2]]

    if match := _STEP_4.search(word):
        if _M_ABOVE_1.search(match[1]):
            word = match[1]
    elif match := _STEP_4_ION.search(word):  # noqa: SIM102
        if _M_ABOVE_1.search(match[1] + match[2]):
            word = match[1] + match[2]

    if match := _STEP_5_E.search(word):
        kept = match[1]
        if _M_ABOVE_1.search(kept) or (_M_IS_1.search(kept) and not _SHORT_CVC.search(kept)):
            word = kept

    if _STEP_5_LL.search(word) and _M_ABOVE_1.search(word):
        word = _drop_last_character(word)

    if starts_with_y:
        word = "y" + word[1:]
    return word


def stemmer(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
    """`stem` as a lunr.py pipeline function (lunr.py passes the token's position and neighbours)."""
    return token.update(lambda word, _metadata: stem(word))


# lunr.py serializes a pipeline by its functions' labels; this one stands for lunr.js's "stemmer".
stemmer.label = PIPELINE_LABEL


def lunr_js_pipeline(labels: list[str]) -> Pipeline:
    """A lunr.py pipeline that runs what lunr.js runs for a serialized pipeline of LABELS."""
    pipeline = Pipeline()
    for label in labels:
        if label != PIPELINE_LABEL:
            raise ValueError(f"no lunr.js-compatible pipeline function named {label!r}")
        pipeline.add(stemmer)
    return pipeline


def load_index_like_lunr_js(serialized: dict | str) -> Index:
    """lunr.py's `Index.load`, but stemming queries as lunr.js does (lunr.py's registry has its own stemmer).

    For tests and tools that query a built index in Python and expect the browser's answers.
    """
    index = Index.load(serialized)
    index.pipeline = lunr_js_pipeline(index.pipeline.serialize())
    return index
