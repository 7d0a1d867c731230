"""The index is stemmed as lunr.js stems queries, so what a reader types in the browser is found."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lunr.tokenizer import Tokenizer
from lunr.trimmer import trimmer

from sitegen.search.stemmer import load_index_like_lunr_js, stem
from tests.conftest import REPO_ROOT, SEED_LISTINGS, require_tool

LUNR_JS = REPO_ROOT / "themes" / "default" / "static" / "search" / "lunr" / "lunr.min.js"

# Reads a JSON list of words on stdin, writes their lunr.js stems as a JSON list.
NODE_STEMMER = """
const lunr = require(process.argv[1]);
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const stems = JSON.parse(input).map((word) => lunr.stemmer(new lunr.Token(word)).toString());
  process.stdout.write(JSON.stringify(stems));
});
"""

# Words where lunr.py's stemmer and lunr.js's disagree, and words that take each rule of the algorithm.
TRICKY_WORDS = (
    "survey key play day delay toy employ boy cry sky fly happy agreed feed generalization relational "
    "conditional rational valency hopeful goodness formality sensitivity triplicate electrical hopefulness "
    "yes yield yelling youth yy y by say sayings caresses ponies ties caress cats plastered bled motoring "
    "sing conflated troubled sized hopping tanned falling hissing fizzed failing filing controll roll "
    "digitizer operator feudalism decisiveness callousness analogous vileli analogi sensibiliti "
    "revival allowance inference airliner gyroscopic adjustable defensible irritant replacement "
    "adjustment dependent adoption homologou communism activate angulariti homologous effective "
    "bowdlerize probate rate cease controlling"
).split() + [
    # digits, letters outside a-z, characters past U+FFFF (two UTF-16 units in lunr.js), line
    # separators (not matched by JavaScript's "."), and an initial y that stays a consonant
    "3d", "1990s", "gpt4", "covid19", "x2ing", "1000x1000", "résumé", "naïve", "straße", "modèles",
    "İstanbul".lower(), "ﬁne", "𝑥", "a𝑥", "𝑥ing", "😀😀ing", "ab😀s", "🚀y", "𝒳rays", "über",
    "fell\u2028", "feed\r", "hopped\u2029", "tanned\rtanned", "yyyies", "Yelling", "ÿing",
]


def seed_words() -> set[str]:
    """Every distinct word of the seed listings as lunr indexes it: lower-cased, split, trimmed."""
    words = set()
    for listing in sorted(SEED_LISTINGS.glob("*.txt")):
        for token in Tokenizer(listing.read_text(encoding="utf-8-sig")):
            word = str(trimmer(token))
            if word:
                words.add(word)
    return words


def generated_words(count: int) -> list[str]:
    """Made-up words ending in every suffix the stemmer knows, so each rule meets many stems."""
    rng = random.Random(239)
    letters = "aeiouybcdlmnrstwxzY"
    suffixes = ["", "s", "es", "ies", "sses", "ss", "ed", "eed", "ing", "y", "e", "ll", "at", "bl", "iz",
                "ational", "tional", "enci", "anci", "izer", "bli", "alli", "entli", "eli", "ousli",
                "ization", "ation", "ator", "alism", "iveness", "fulness", "ousness", "aliti", "iviti",
                "biliti", "logi", "icate", "ative", "alize", "iciti", "ical", "ful", "ness", "al", "ance",
                "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ou", "ism", "ate", "iti",
                "ous", "ive", "ize", "sion", "tion"]
    oddities = ["", "", "", "", "0", "é", "😀", "\u2028", "\r"]
    words = []
    for _ in range(count):
        stem_part = "".join(rng.choice(letters) for _ in range(rng.randint(0, 6)))
        words.append(rng.choice(oddities) + stem_part + rng.choice(oddities[:6]) + rng.choice(suffixes)
                     + rng.choice(suffixes[:12]))
    return words


def lunr_js_stems(words: list[str]) -> list[str]:
    require_tool(shutil.which("node") is not None,
                 "the stemmer is compared with lunr.js, which needs Node.js (apt-get install nodejs)")
    done = subprocess.run(["node", "-e", NODE_STEMMER, str(LUNR_JS)], input=json.dumps(words),
                          capture_output=True, text=True, encoding="utf-8", errors="surrogatepass",
                          check=True, timeout=120)
    return json.loads(done.stdout)


def assert_stems_like_lunr_js(words: list[str]) -> None:
    expected = lunr_js_stems(words)
    assert len(expected) == len(words)
    differing = {word: (stem(word), js) for word, js in zip(words, expected) if stem(word) != js}
    assert differing == {}, f"{len(differing)} of {len(words)} words stem differently (python, lunr.js)"


def test_every_seed_word_and_tricky_word_stems_exactly_as_in_lunr_js():
    words = sorted(seed_words()) + TRICKY_WORDS
    assert len(words) > 5000  # the seeds' vocabulary, not a handful
    assert_stems_like_lunr_js(words)


def test_made_up_words_through_every_rule_stem_exactly_as_in_lunr_js():
    assert_stems_like_lunr_js(generated_words(20_000))


@pytest.mark.parametrize("word, expected", [
    ("survey", "survey"), ("surveys", "survey"), ("play", "play"), ("cry", "cri"), ("flies", "fli"),
    ("relational", "relat"), ("hopefulness", "hope"), ("yelling", "yell"), ("𝑥ing", "𝑥ing"),
])
def test_words_stem_as_the_browser_stems_them(word, expected):
    # The same stems the differential tests check, readable without Node.js.
    assert stem(word) == expected


def whole_words(text: str) -> set[str]:
    return {word.strip(".,;:()[]\"'").lower() for word in re.split(r"[\s-]+", text)}


def test_a_search_for_survey_finds_every_seed_paper_about_surveys(seed_site: Path):
    index_text = (seed_site / "search" / "lunr-index.json").read_text(encoding="utf-8")
    store = json.loads((seed_site / "search" / "documents.json").read_text(encoding="utf-8"))
    about_surveys = {
        ref for ref, paper in store.items()
        if whole_words(paper["title"] + " " + paper["abstract"]) & {"survey", "surveys"}
    }
    assert len(about_surveys) >= 5
    index = load_index_like_lunr_js(index_text)
    assert {hit["ref"] for hit in index.search("survey")} == about_surveys
    assert {hit["ref"] for hit in index.search("surveys")} == about_surveys
    terms = {term for term, _ in json.loads(index_text)["invertedIndex"]}
    assert "survey" in terms and "survei" not in terms
