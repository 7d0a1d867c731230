"""The sharded index in a real browser: lunr.js parses, sharded.js scores, results match lunr.py."""

from __future__ import annotations

import bisect
import itertools
import json
import math
import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from sitegen.build import build
from sitegen.config import load_config
from sitegen.documents import make_documents
from sitegen.ingest import load_archive
from sitegen.search.documents import search_documents
from sitegen.search.index import dump_json, serialized_index
from sitegen.search.shards import sharded_search_files
from sitegen.search.stemmer import load_index_like_lunr_js
from tests.conftest import REPO_ROOT, serve_folder
from tests.shards.shards_reference import TopHits
from tests.shards.test_shards_equivalence import (
    QUERIES,
    SMALL_LAYOUT,
    assert_same_ranking,
    assert_same_top,
    lunr_results,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory):
    """The seed site built with shard_threshold = 0, plus the same index cut small in search-small/."""
    project = tmp_path_factory.mktemp("sharded") / "project"
    project.mkdir()
    config_text = (REPO_ROOT / "sitegen.toml").read_text(encoding="utf-8")
    (project / "sitegen.toml").write_text(config_text + "\n[search]\nshard_threshold = 0\n", encoding="utf-8")
    shutil.copytree(REPO_ROOT / "content", project / "content")
    out = build(project).out_dir
    config = load_config(project)
    searchable = search_documents(make_documents(load_archive(config), (), (), config.collection_names))
    serialized = serialized_index(searchable)
    pieces = sharded_search_files(serialized, searchable, "search-small", SMALL_LAYOUT)
    pieces["search-single/lunr-index.json"] = dump_json(serialized)
    for name, data in pieces.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    with serve_folder(out) as url:
        yield url, out, load_index_like_lunr_js(serialized)


@pytest.fixture
def open_page(browser):
    """A fresh page that records every request and fails the test on any console error."""
    problems: list[str] = []
    context = browser.new_context()
    requests: list[str] = []

    def open_page(url: str):
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url)
        page.requests = requests
        return page

    yield open_page
    context.close()
    assert problems == []


# Runs each query on the small-cut shards (sharded.js) and on the single index (lunr.js's own
# Index.load and query), both in this page; TYPED adds search.js's clause for an unfinished word.
RUN_BOTH = """async ([shardedManifestUrl, singleIndexUrl, queries, typed]) => {
  const lunr = window.lunr;
  const fetchJson = (url) => fetch(url).then((response) => response.json());
  const manifest = await fetchJson(shardedManifestUrl);
  const sharded = window.sitegenShardedIndex(lunr, manifest, new URL(shardedManifestUrl), fetchJson);
  const single = lunr.Index.load(await fetchJson(singleIndexUrl));
  const fill = (query, text) => {
    new lunr.QueryParser(text, query).parse();
    if (typed) {
      const last = query.clauses[query.clauses.length - 1];
      query.clause({term: last.term, fields: last.fields, boost: last.boost / 2, usePipeline: false,
                    wildcard: lunr.Query.wildcard.TRAILING, presence: lunr.Query.presence.OPTIONAL});
    }
  };
  const answers = {};
  for (const text of queries) {
    const query = new lunr.Query(manifest.fields);
    fill(query, text);
    const hits = await sharded.query(query);
    const docs = await sharded.documents(hits.map((hit) => hit.ref));
    answers[text] = {
      sharded: hits.map((hit, i) => [docs[i].id, hit.score]),
      single: single.query((q) => fill(q, text)).map((hit) => [hit.ref, hit.score]),
    };
  }
  return answers;
}"""

TYPED_QUERIES = ("graph neural networks", "+language -model", "title:diffusion vid", "laplaci")

# The header box's question: only the best K, from as few tiers and vectors as they need.
RUN_TOP = """async ([shardedManifestUrl, queries, k, typed]) => {
  const lunr = window.lunr;
  const fetchJson = (url) => fetch(url).then((response) => response.json());
  const manifest = await fetchJson(shardedManifestUrl);
  const sharded = window.sitegenShardedIndex(lunr, manifest, new URL(shardedManifestUrl), fetchJson);
  const answers = {};
  for (const text of queries) {
    const query = new lunr.Query(manifest.fields);
    new lunr.QueryParser(text, query).parse();
    if (typed) {
      const last = query.clauses[query.clauses.length - 1];
      query.clause({term: last.term, fields: last.fields, boost: last.boost / 2, usePipeline: false,
                    wildcard: lunr.Query.wildcard.TRAILING, presence: lunr.Query.presence.OPTIONAL});
    }
    const hits = await sharded.query(query, k);  // all of them when the query is not plain
    const shown = hits.slice(0, k);
    const docs = await sharded.documents(shown.map((hit) => hit.ref));
    answers[text] = {hits: shown.map((hit, i) => [docs[i].id, hit.score]), total: hits.total,
                     complete: hits.complete};
  }
  return answers;
}"""


@pytest.mark.parametrize("k", [1, 8])
def test_browser_top_k_from_tiers_is_lunrs_top_k(open_page, sharded_site, k):
    url, _, index = sharded_site
    page = open_search_page(open_page, url, "diffusion")
    answers = page.evaluate(RUN_TOP, [url + "search-small/manifest.json", list(QUERIES), k, False])
    for text in QUERIES:
        answer = answers[text]
        assert_same_top(lunr_results(index, text),
                        TopHits([tuple(hit) for hit in answer["hits"]], answer["total"], answer["complete"]), k)
    assert not answers["learning model representation"]["complete"]
    # Ranking 30 or more, some papers' vectors came in their list's heads file, which holds several of them.
    if k >= 30:
        assert any("/search-small/heads/" in request for request in page.requests)


@pytest.mark.parametrize("k", [8, 30, 100])
def test_browser_top_k_while_typing_reads_prefix_lists_and_is_lunrs_top_k(open_page, sharded_site, k):
    url, _, index = sharded_site
    page = open_search_page(open_page, url, "diffusion")
    before = len(page.requests)
    # Past 60 papers, more than SMALL_LAYOUT's prefix lists keep, "model gen" and "con" are
    # expanded word by word (tests/shards/test_shards_equivalence.py).
    typed = ["graph neu", "language model", "data gen", "video gen", "diffusion mod", "model gen", "con"]
    answers = page.evaluate(RUN_TOP, [url + "search-small/manifest.json", typed, k, True])
    for text in typed:
        answer = answers[text]
        assert_same_top(lunr_results(index, text, typed_prefix=True),
                        TopHits([tuple(hit) for hit in answer["hits"]], answer["total"], answer["complete"]), k)
    assert any("/search-small/prefixes/" in request for request in page.requests[before:])


@pytest.mark.parametrize("k", [8, 30])
def test_browser_top_k_keystroke_by_keystroke_is_lunrs_top_k(open_page, sharded_site, k):
    # Typed letter by letter into one index, as the header box does: each word's list is bounded
    # by the lists of the letters before it, which earlier keystrokes loaded.
    url, _, index = sharded_site
    page = open_search_page(open_page, url, "diffusion")
    typed = [query[:end] for query in ("video generation", "graph neural networks", "language models",
                                       "generative adversarial", "reinforcement learning")
             for end in range(3, len(query) + 1)
             if query[end - 1] != " " and len(query[:end].split()[-1]) >= 3]
    answers = page.evaluate(RUN_TOP, [url + "search-small/manifest.json", typed, k, True])
    for text in typed:
        answer = answers[text]
        assert_same_top(lunr_results(index, text, typed_prefix=True),
                        TopHits([tuple(hit) for hit in answer["hits"]], answer["total"], answer["complete"]), k)


# How many result data files each query fetched before its best K were settled.
DOCS_WHILE_RANKING = """async ([shardedManifestUrl, queries, k]) => {
  const lunr = window.lunr;
  let docs = 0;
  const fetchJson = (url) => {
    if (String(url).includes("/docs/")) docs += 1;
    return fetch(url).then((response) => response.json());
  };
  const manifest = await fetchJson(shardedManifestUrl);
  const sharded = window.sitegenShardedIndex(lunr, manifest, new URL(shardedManifestUrl), fetchJson);
  const counts = {};
  for (const text of queries) {
    const query = new lunr.Query(manifest.fields);
    new lunr.QueryParser(text, query).parse();
    docs = 0;
    await sharded.query(query, k);
    counts[text] = docs;
  }
  return counts;
}"""


def test_result_data_comes_with_the_last_rounds_of_vectors(open_page, sharded_site):
    # A round that fetches only a few vectors settles the order of papers mostly known to be the
    # best K: their result data comes alongside instead of in a round of its own afterwards.
    url, _, _ = sharded_site
    page = open_search_page(open_page, url, "diffusion")
    counts = page.evaluate(DOCS_WHILE_RANKING, [url + "search-small/manifest.json", list(QUERIES), 8])
    assert any(counts.values()), counts


def run_both(page, url: str, queries, typed: bool) -> dict:
    return page.evaluate(RUN_BOTH, [url + "search-small/manifest.json", url + "search-single/lunr-index.json",
                                    list(queries), typed])


def open_search_page(open_page, url: str, text: str):
    page = open_page(url + "search/?q=" + quote(text))  # search.js loads lunr.js and sharded.js
    page.wait_for_selector(f"#search-page-results[data-query='{text.strip()}']", state="attached")
    return page


# A query needing several rounds, run twice on fresh indexes: once to the end, once superseded as
# soon as its first file is asked for (what the header box does when the reader types on).
SUPERSEDED = """async ([shardedManifestUrl, text, k]) => {
  const lunr = window.lunr;
  const manifest = await fetch(shardedManifestUrl).then((response) => response.json());
  async function run(abortAtFirstFetch) {
    const controller = new AbortController();
    let fetches = 0;
    const fetchJson = (url) => {
      fetches += 1;
      if (abortAtFirstFetch) controller.abort();
      return fetch(url).then((response) => response.json());
    };
    const sharded = window.sitegenShardedIndex(lunr, manifest, new URL(shardedManifestUrl), fetchJson);
    const query = new lunr.Query(manifest.fields);
    new lunr.QueryParser(text, query).parse();
    try {
      const hits = await sharded.query(query, k, controller.signal);
      return { fetches, outcome: hits.length + " hits" };
    } catch (error) {
      return { fetches, outcome: error.name };
    }
  }
  return { finished: await run(false), superseded: await run(true) };
}"""


def test_a_superseded_query_stops_fetching(open_page, sharded_site):
    url, _, _ = sharded_site
    page = open_search_page(open_page, url, "diffusion")
    runs = page.evaluate(SUPERSEDED, [url + "search-small/manifest.json", "model learning", 8])
    assert runs["finished"]["outcome"] == "8 hits"
    assert runs["superseded"]["outcome"] == "AbortError"
    assert runs["superseded"]["fetches"] < runs["finished"]["fetches"], runs


def test_browser_shards_rank_like_one_lunr_index(open_page, sharded_site):
    url, _, _ = sharded_site
    page = open_search_page(open_page, url, "diffusion")
    answers = run_both(page, url, QUERIES, typed=False) | run_both(page, url, TYPED_QUERIES, typed=True)
    differing = {}
    for text, answer in answers.items():
        try:
            assert_same_ranking(answer["single"], answer["sharded"])
        except AssertionError:
            differing[text] = (len(answer["single"]), len(answer["sharded"]))
    assert differing == {}
    assert len(answers["diffusion"]["single"]) > 5 and len(answers["-survey"]["single"]) > 400


def test_lunr_js_and_lunr_py_agree_on_every_query(open_page, sharded_site):
    url, _, index = sharded_site
    page = open_search_page(open_page, url, "diffusion")
    answers = run_both(page, url, QUERIES, typed=False)
    for text in QUERIES:
        assert_same_ranking(lunr_results(index, text), answers[text]["sharded"])
    assert len(answers["-survey"]["sharded"]) < 463  # "survey" is stemmed alike on both sides


@pytest.mark.parametrize("text", TYPED_QUERIES)
def test_search_page_shows_the_single_index_ranking_from_shards(open_page, sharded_site, text):
    url, out, _ = sharded_site
    page = open_search_page(open_page, url, text)
    shown = page.eval_on_selector_all("#search-page-results a[role=option]",
                                      "links => links.map(link => link.href)")
    expected = run_both(page, url, [text], typed=True)[text]["single"]
    url_to_ref = {}
    for name in (out / "search" / "docs").glob("*.json"):
        for data in json.loads(name.read_text(encoding="utf-8")):
            url_to_ref[url + data[2]] = data[0]
    score_of = dict(expected)
    assert len(shown) == min(len(expected), 50) > 0
    for position, link in enumerate(shown):
        assert math.isclose(score_of[url_to_ref[link]], expected[position][1], rel_tol=1e-9)
    assert not any(name.endswith(("lunr-index.json", "documents.json")) for name in page.requests
                   if "/search/" in name and "search-single" not in name)


def type_in_header_box(open_page, url: str, text: str):
    """A papers page with TEXT typed into its header box, once the box answers it."""
    page = open_page(url + "papers/")
    page.keyboard.press("/")
    page.keyboard.type(text)
    page.wait_for_selector(f"#search-q-results[data-query='{text.strip()}']", state="attached")
    return page


def test_header_box_highlights_and_loads_only_some_pieces(open_page, sharded_site):
    url, out, _ = sharded_site
    page = type_in_header_box(open_page, url, "laplacians")
    assert page.inner_text(".search-box [data-search-status]") == "3 papers match"
    first = page.locator("#search-q-results [role=option]").first
    assert first.locator(".search-result-title mark").all_inner_texts() == ["Laplacians"]
    assert set(first.locator(".search-result-snippet mark").all_inner_texts()) == {"Laplacians"}
    assert "Trending, Mar 12 (part 1)" in first.locator(".search-result-meta").inner_text()
    docs_files = [name for name in page.requests if "/search/docs/" in name]
    assert 1 <= len(docs_files) <= 3 < len(list((out / "search" / "docs").glob("*.json")))


def test_header_box_never_empties_while_the_next_results_load(open_page, sharded_site):
    # Result data comes one paper per file: the old results stay until the new ones can be
    # shown, rather than the list flashing empty on every keystroke.
    url, _, _ = sharded_site
    page = type_in_header_box(open_page, url, "diffusion")
    page.evaluate("""() => {
      const list = document.querySelector("#search-q-results");
      window.__sizes = [];
      new MutationObserver(() => window.__sizes.push(list.children.length)).observe(list, {childList: true});
    }""")
    page.keyboard.type(" model", delay=150)
    page.wait_for_selector("#search-q-results[data-query='diffusion model']", state="attached")
    sizes = page.evaluate("window.__sizes")
    assert sizes and min(sizes) == 8


def test_header_box_reads_a_common_words_results_from_its_tops_file(open_page, sharded_site):
    # The 8 best of one word are the 8 papers where it weighs most: one file has their data.
    url, out, _ = sharded_site
    page = type_in_header_box(open_page, url, "learning ")
    tops = [name for name in page.requests if "/search/tops/" in name]
    assert tops and not [name for name in page.requests if "/search/docs/" in name]
    rows = []
    for name in tops:
        rows += json.loads((out / "search" / "tops" / name.split("/tops/")[1].split("?")[0]).read_text(encoding="utf-8"))
    titles = page.locator("#search-q-results [role=option] .search-result-title").all_inner_texts()
    assert len(titles) == 8 and set(titles) <= {data[1] for _, data in rows}


# Runs a query on fresh small-cut shards and lists the files of each round: every fetch asked for
# before any of them is answered is one round, as on a network.
ROUNDS = """async ([shardedManifestUrl, text, k]) => {
  const lunr = window.lunr;
  const manifest = await fetch(shardedManifestUrl).then((response) => response.json());
  let waiting = [];
  const fetchJson = (url) => new Promise((resolve, reject) => waiting.push({ url: String(url), resolve, reject }));
  const sharded = window.sitegenShardedIndex(lunr, manifest, new URL(shardedManifestUrl), fetchJson);
  const query = new lunr.Query(manifest.fields);
  new lunr.QueryParser(text, query).parse();
  let hits = null;
  const answer = sharded.query(query, k).then((found) => { hits = found; });
  const rounds = [];
  while (hits === null) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (!waiting.length) continue;
    const batch = waiting;
    waiting = [];
    rounds.push(batch.map((fetching) => new URL(fetching.url).pathname.split("/search-small/")[1]));
    await Promise.all(batch.map((fetching) =>
      fetch(fetching.url).then((response) => response.json()).then(fetching.resolve, fetching.reject)));
  }
  await answer;
  return { rounds, hits: hits.length };
}"""


@pytest.mark.parametrize("text", ["learning", "lear*"])
def test_a_common_words_tops_file_comes_with_its_first_files(open_page, sharded_site, text):
    # The manifest names the lists with a tops file: the result data of the best few does not
    # wait for the posting or prefix file to name it (a round trip on every such keystroke).
    url, _, _ = sharded_site
    page = open_search_page(open_page, url, "diffusion")
    answer = page.evaluate(ROUNDS, [url + "search-small/manifest.json", text, 8])
    assert answer["hits"] == 8
    first = answer["rounds"][0]
    assert any(name.startswith("tops/") for name in first), answer["rounds"]
    assert any(name.startswith(("postings/", "prefixes/")) for name in first), answer["rounds"]


def test_a_prefix_whose_only_word_starts_the_next_posting_file_costs_one_round_of_postings(open_page, sharded_site):
    # P* with one word W: its posting file is the one P sorts into, or the next one when W starts
    # that file; the manifest's first words tell which, so both are asked for at once.
    url, out, _ = sharded_site
    search = out / "search-small"
    manifest = json.loads((search / "manifest.json").read_text(encoding="utf-8"))
    firsts = manifest["postings"]
    terms = [term for number in range(len(firsts))
             for term in json.loads((search / "postings" / f"{number}.json").read_text(encoding="utf-8"))["terms"]]
    chosen = None
    for number in range(len(firsts) - 1):
        word = firsts[number + 1]
        for length in range(3, len(word)):
            prefix = word[:length]
            if sum(term.startswith(prefix) for term in terms) == 1 and terms[terms.index(word) - 1] < prefix:
                chosen = number, prefix
                break
        if chosen:
            break
    assert chosen, "the fixture has no such word: pick another layout"
    number, prefix = chosen
    page = open_search_page(open_page, url, "diffusion")
    answer = page.evaluate(ROUNDS, [url + "search-small/manifest.json", prefix + "*", 8])
    assert answer["hits"] > 0
    posting_rounds = [index for index, names in enumerate(answer["rounds"])
                      for name in names if name in (f"postings/{number}.json", f"postings/{number + 1}.json")]
    assert len(posting_rounds) == 2 and len(set(posting_rounds)) == 1, answer["rounds"]


def test_header_box_ranks_a_common_word_without_its_tiers(open_page, sharded_site):
    url, out, index = sharded_site
    manifest = json.loads((out / "search" / "manifest.json").read_text(encoding="utf-8"))
    number = max(n for n, first in enumerate(manifest["postings"]) if first <= "learn")
    entry = json.loads((out / "search" / "postings" / f"{number}.json").read_text(encoding="utf-8"))
    learn = entry["postings"][entry["terms"].index("learn")]
    assert learn["tiers"]  # a common word: a head in its posting file, the rest in tiers
    page = type_in_header_box(open_page, url, "learning ")
    assert page.locator("#search-q-results [role=option]").count() == 8
    assert page.inner_text(".search-box [data-search-status]") == f"At least {learn['papers']} papers match"
    assert page.locator("[data-search-all]").inner_text() == f"Show all results (at least {learn['papers']})"
    search_requests = [name for name in page.requests if "/search/" in name]
    assert any("/search/postings/" in name for name in search_requests)
    assert not any("/search/tiers/" in name for name in search_requests)
    # The full page ranks every match, so it fetches the tiers and knows the count; its query has
    # no trailing space, so "learning" is also a prefix there, backed off to its stem.
    page.locator("[data-search-all]").click()
    page.wait_for_selector("#search-page-results[data-query='learning']", state="attached")
    matching = len(lunr_results(index, "learning learn*"))
    assert matching > learn["papers"]
    assert page.inner_text(".search-page [data-search-status]") == f"{matching} papers match"
    assert any("/search/tiers/" in name for name in page.requests)


def test_header_box_finds_a_word_typed_past_its_stem(open_page, sharded_site):
    # "reinforcement" is indexed as "reinforc": "reinforcem*" starts no term, so the typed word
    # backs off to "reinforc*", found from the term list of the file the word sorts into.
    url, _, _ = sharded_site
    shown = {}
    for typed in ("reinforcement", "reinforcem", "reinforcemen"):
        page = type_in_header_box(open_page, url, typed)
        shown[typed] = page.locator("#search-q-results [role=option] .search-result-title").all_inner_texts()
        assert page.inner_text(".search-box [data-search-status]") == f"{len(shown[typed])} papers match"
    assert len(shown["reinforcement"]) >= 3
    assert shown["reinforcem"] == shown["reinforcemen"] == shown["reinforcement"]


def test_header_box_waits_for_the_second_letter_of_a_next_word(open_page, sharded_site):
    # "graph n": the n starts the next word; ranking by the stray letter would fetch its list.
    url, _, _ = sharded_site
    page = type_in_header_box(open_page, url, "graph ")
    titles = page.locator("#search-q-results [role=option] .search-result-title").all_inner_texts()
    status = page.inner_text(".search-box [data-search-status]")
    before = len(page.requests)
    page.keyboard.type("n")
    page.wait_for_selector("#search-q-results[data-query='graph n']", state="attached")
    assert page.requests[before:] == []
    assert page.locator("#search-q-results [role=option] .search-result-title").all_inner_texts() == titles
    assert page.inner_text(".search-box [data-search-status]") == status
    page.keyboard.type("e")  # two letters are a word being typed: searched as a prefix
    page.wait_for_selector("#search-q-results[data-query='graph ne']", state="attached")
    assert any("/search/prefixes/" in name or "/search/postings/" in name for name in page.requests[before:])


def starts_of(search: Path) -> list[str]:
    """The word starts with a starts file, in file order (two characters each, end to end)."""
    packed = json.loads((search / "manifest.json").read_text(encoding="utf-8"))["prefixes"]["starts"]
    return [packed[at:at + 2] for at in range(0, len(packed), 2)]


@pytest.mark.parametrize("word", ["model", "neural", "detection", "segment"])
def test_header_box_fetches_what_any_third_letter_needs_at_the_second(open_page, sharded_site, word):
    # At "mo" the third letter could be any: the starts file of "mo" holds the list and the word
    # each would read, so the third letter waits for no index file, only for tiers and results.
    url, out, _ = sharded_site
    number = starts_of(out / "search").index(word[:2])
    page = type_in_header_box(open_page, url, "graph " + word[:2])
    assert any(f"/search/starts/{number}.json" in name for name in page.requests)
    before = -1
    while before != len(page.requests):  # the pause: until the look-ahead asks for nothing more
        before = len(page.requests)
        page.wait_for_timeout(300)
    # What the keystroke's answer waited for.
    page.evaluate(ANSWER_TIME, f"graph {word[:3]}")
    page.keyboard.type(word[2])
    page.wait_for_selector(f"#search-q-results[data-query='graph {word[:3]}']", state="attached")
    asked = page.evaluate(ASKED_BEFORE_ANSWER)
    assert not any(kind in name for name in asked for kind in ("/search/prefixes/", "/search/postings/",
                                                                          "/search/terms/")), asked


# From now, window.__answered: when the header box shows the answer to TEXT.
ANSWER_TIME = """(text) => {
  window.__typed = performance.now();
  const list = document.querySelector("#search-q-results");
  new MutationObserver(() => {
    if (list.getAttribute("data-query") === text && !window.__answered) window.__answered = performance.now();
  }).observe(list, {attributes: true, attributeFilter: ["data-query"]});
}"""
# Those that came in by then: the answer waited for them, and its look-ahead, asked for in the same
# task that showed it, has none in yet.
ASKED_BEFORE_ANSWER = """() => performance.getEntriesByType("resource")
  .filter((entry) => entry.startTime >= window.__typed && entry.responseEnd <= window.__answered)
  .map((entry) => entry.name)"""


# Each query of third letters ranked from starts files alone (fetched as at the second letter,
# the words before it ranked first), with the index files it asked for meanwhile.
RUN_THIRD_LETTERS = """async ([shardedManifestUrl, queries, k]) => {
  const lunr = window.lunr;
  const fetched = [];
  const fetchJson = (url) => {
    fetched.push(String(url).split("/").slice(-2).join("/").split("?")[0]);
    return fetch(url).then((response) => response.json());
  };
  const manifest = await fetchJson(shardedManifestUrl);
  const parsed = (text) => {
    const query = new lunr.Query(manifest.fields);
    new lunr.QueryParser(text, query).parse();
    return query;
  };
  const answers = {};
  for (const text of queries) {
    const sharded = window.sitegenShardedIndex(lunr, manifest, new URL(shardedManifestUrl), fetchJson);
    const words = text.split(" ");
    if (words.length > 1) await sharded.query(parsed(words.slice(0, -1).join(" ")), k);
    await sharded.likelyNextLetter(words[words.length - 1].slice(0, 2));  // fetches the starts file
    const before = fetched.length;
    const query = parsed(text);
    const last = query.clauses[query.clauses.length - 1];
    query.clause({term: last.term, fields: last.fields, boost: last.boost / 2, usePipeline: false,
                  wildcard: lunr.Query.wildcard.TRAILING, presence: lunr.Query.presence.OPTIONAL});
    const hits = await sharded.query(query, k);
    const asked = fetched.slice(before);
    const shown = hits.slice(0, k);
    const docs = await sharded.documents(shown.map((hit) => hit.ref));
    answers[text] = {hits: shown.map((hit, i) => [docs[i].id, hit.score]), total: hits.total,
                     complete: hits.complete, asked: asked};
  }
  return answers;
}"""


def test_third_letters_ranked_from_starts_files_are_lunrs_top_k(open_page, sharded_site):
    url, out, index = sharded_site
    search = out / "search-small"
    manifest = json.loads((search / "manifest.json").read_text(encoding="utf-8"))
    terms = [term for number in range(len(manifest["postings"]))
             for term in json.loads((search / "postings" / f"{number}.json").read_text(encoding="utf-8"))["terms"]]
    # A prefix with a list, one that starts a single word, a word that is also a list's prefix,
    # and letters that start nothing.
    single = next(prefix for prefix in sorted({term[:3] for term in terms if len(term) > 3})
                  if sum(term.startswith(prefix) for term in terms) == 1 and prefix.isalpha())
    both = next(term for term in terms if len(term) == 3 and term.isalpha()
                and sum(other.startswith(term) for other in terms) > 2)
    typed = ["gen", "graph neu", "language mod", f"graph {single}", single, f"video {both}", both, "graph xqz"]
    page = open_search_page(open_page, url, "diffusion")
    answers = page.evaluate(RUN_THIRD_LETTERS, [url + "search-small/manifest.json", typed, 8])
    for text in typed:
        answer = answers[text]
        assert_same_top(lunr_results(index, text, typed_prefix=True),
                        TopHits([tuple(hit) for hit in answer["hits"]], answer["total"], answer["complete"]), 8)
        assert not [name for name in answer["asked"] if name.split("/")[0] in ("prefixes", "postings", "terms")], \
            (text, answer["asked"])


def test_a_malformed_query_shows_a_message_not_an_exception(open_page, sharded_site):
    url, _, _ = sharded_site
    page = open_search_page(open_page, url, "title:")
    assert "put a word right after a field name" in page.inner_text(".search-page [data-search-status]")


HOSTILE_TITLE = '<img src=x onerror="window.pwned=1">Evil <b>markup</b> & "quotes"'
HOSTILE_ABSTRACT = "An evil abstract with <script>window.pwned=2</script> and <em>tags</em> &amp; entities."


@contextmanager
def sharded_archive(tmp_path, papers: list[tuple[str, str]]):
    """The URL of a served site of PAPERS ((title, abstract) pairs), its search index sharded."""
    project = tmp_path / "project"
    listings = project / "content" / "listings"
    listings.mkdir(parents=True)
    (project / "sitegen.toml").write_text('title = "Tiny"\n[search]\nshard_threshold = 0\n', encoding="utf-8")
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in papers)
    (listings / "000_papers.txt").write_text(f"Mar 12\n\n{body}", encoding="utf-8")
    with serve_folder(build(project).out_dir) as url:
        yield url


def test_hostile_text_from_shards_stays_text(open_page, tmp_path):
    papers = [(HOSTILE_TITLE, HOSTILE_ABSTRACT), ("A calm paper about sheep", "Sheep graze; nothing evil.")]
    with sharded_archive(tmp_path, papers) as url:
        page = open_search_page(open_page, url, "evil")
        results = page.locator("#search-page-results [role=option]")
        assert results.count() == 2
        result = results.filter(has_text="markup")
        assert result.locator(".search-result-title").inner_text() == HOSTILE_TITLE
        assert HOSTILE_ABSTRACT in result.locator(".search-result-snippet").inner_text()
        assert result.locator("img, script, b, em").count() == 0
        assert page.evaluate("window.pwned") is None


ASTRAL_TITLE = "İstanbul 🚀 rocket science with 𝒳-rays"


def test_highlights_from_shards_land_on_the_word_after_wide_and_changing_characters(open_page, tmp_path):
    # sharded.js finds the words of a shown result itself: lowercasing İ adds a character, and 🚀
    # and 𝒳 are two UTF-16 units each, yet offsets count code points of the lowered text.
    papers = [(ASTRAL_TITLE, "Data from İstanbul 𝒳 🚀 launches rockets; the 𝒳 rockets land."),
              ("A calm paper about sheep", "Sheep graze and science sleeps.")]
    with sharded_archive(tmp_path, papers) as url:
        page = open_search_page(open_page, url, "rockets science")
        result = page.locator("#search-page-results [role=option]").filter(has_text="rocket science")
        assert result.locator(".search-result-title").inner_text() == ASTRAL_TITLE
        assert result.locator(".search-result-title mark").all_inner_texts() == ["rocket", "science"]
        assert result.locator(".search-result-snippet mark").all_inner_texts() == ["rockets", "rockets"]


def likely_next_letter(search: Path, word: str) -> str | None:
    """The letter or digit after WORD whose widest list (a prefix list, or the one term it goes on
    to) is in at least three fifths of the papers of all such lists, from the built files (what
    sharded.js judges by: a word one letter short of prefix lists, its starts file; else none if
    its prefix keys span more than two files, and the posting files only if its terms span two at
    most); else None."""
    manifest = json.loads((search / "manifest.json").read_text(encoding="utf-8"))
    papers: dict[str, int] = {}

    def count(key: str, entry) -> None:
        letter = key[len(word):len(word) + 1]
        if key.startswith(word) and (letter.isalpha() or letter.isdigit()) and letter not in papers:
            papers[letter] = entry["papers"] if isinstance(entry, dict) else len(
                {doc for gaps, _ in entry for doc in itertools.accumulate(gaps)})

    starts = starts_of(search)
    if word in starts:
        shard = json.loads((search / f"starts/{starts.index(word)}.json").read_text(encoding="utf-8"))
        for key, entry in [*zip(shard["keys"], shard["entries"]), *zip(shard["terms"], shard["postings"])]:
            count(key, entry)
        return likeliest(papers)
    prefix_files = files_starting(manifest["prefixes"]["files"], word)
    if len(prefix_files) > 2:
        return None
    for number in prefix_files:
        shard = json.loads((search / f"prefixes/{number}.json").read_text(encoding="utf-8"))
        for key, entry in zip(shard["keys"], shard["entries"]):
            count(key, entry)
    posting_files = files_starting(manifest["postings"], word)
    for number in posting_files if len(posting_files) <= 2 else []:
        shard = json.loads((search / f"postings/{number}.json").read_text(encoding="utf-8"))
        for term, entry in zip(shard["terms"], shard["postings"]):
            count(term, entry)
    return likeliest(papers)


def likeliest(papers: dict[str, int]) -> str | None:
    """The letter of PAPERS (letter -> papers) with three fifths of them all, else None."""
    if not papers:
        return None
    letter = max(sorted(papers), key=lambda each: papers[each])
    return letter if papers[letter] >= 0.6 * sum(papers.values()) else None


def files_starting(firsts: list[str], word: str) -> list[int]:
    """The numbers of the files, cut at FIRSTS, that hold the keys starting with WORD."""
    def file_for(text: str) -> int:
        return max(0, bisect.bisect_right(firsts, text) - 1)
    return list(range(file_for(word), file_for(word + "\uffff") + 1))


# "gen" and "fe" start prefix keys in two prefix files; "fe" and "deep le" are one letter short
# of a prefix list; "accur" goes on to one term only ("accuraci"), which has no prefix list.
@pytest.mark.parametrize("text", ["graph net", "language mod", "lan", "mod", "gen", "fe", "deep le", "accur"])
def test_header_box_fetches_the_likeliest_next_keystroke_while_the_reader_pauses(open_page, sharded_site, text):
    # A reader typing a common word mostly types its likeliest next letter: once the box has
    # answered, the files that letter needs come during the pause, and its answer needs none.
    url, out, _ = sharded_site
    letter = likely_next_letter(out / "search", text.split()[-1])
    assert letter, f"no letter after {text!r} is likely enough in the seed archive: pick another word"
    page = type_in_header_box(open_page, url, text)
    before = -1
    while before != len(page.requests):  # the pause: until nothing more is asked for
        before = len(page.requests)
        page.wait_for_timeout(300)
    page.evaluate("""(text) => {
      const list = document.querySelector("#search-q-results");
      window.__typed = performance.now();
      // When the box marks the answer, before the look-ahead that follows in the same task.
      const mark = list.setAttribute.bind(list);
      list.setAttribute = (name, value) => {
        if (name === "data-query" && value === text && !window.__answered) window.__answered = performance.now();
        mark(name, value);
      };
    }""", text + letter)
    page.keyboard.type(letter)
    page.wait_for_selector(f"#search-q-results[data-query='{text + letter}']", state="attached")
    # What the answer waited for: the look-ahead for the letter after that comes after it.
    fetched = page.evaluate("""() => performance.getEntriesByType("resource")
      .filter((entry) => entry.startTime >= window.__typed && entry.startTime <= window.__answered)
      .map((entry) => entry.name)""")
    assert [name.split("/search/")[-1] for name in fetched if "/search/" in name] == []
    assert page.locator("#search-q-results [role=option]").count() > 0


# Runs FIRST_TEXT for its best FIRST_K as the look-ahead does (speculative), holding back its first
# round of fetches with a KIND file (tiers or heads); while they are on their way runs TEXT for its
# best K, as the keystroke that came first does; then lets everything through. Returns the files
# held, what the second run asked for before they came (files, tiers files of a term whose tiers
# were held, and papers whose vectors it fetched one by one), and its best K.
ON_THEIR_WAY = """async ([shardedManifestUrl, firstText, firstK, text, k, kind]) => {
  const lunr = window.lunr;
  const manifest = await fetch(shardedManifestUrl).then((response) => response.json());
  let waiting = [];
  const fetchJson = (url) => new Promise((resolve, reject) => waiting.push({ url: String(url), resolve, reject }));
  const sharded = window.sitegenShardedIndex(lunr, manifest, new URL(shardedManifestUrl), fetchJson);
  const vectorsAsked = [];
  const loadVector = sharded.loadVector;
  sharded.loadVector = function (doc) { vectorsAsked.push(doc); return loadVector.call(this, doc); };
  const name = (fetching) => new URL(fetching.url).pathname.split("/search-small/")[1];
  const release = (batch) => Promise.all(batch.map((fetching) =>
    fetch(fetching.url).then((response) => response.json()).then(fetching.resolve, fetching.reject)));
  const parsed = (words) => {
    const query = new lunr.Query(manifest.fields);
    new lunr.QueryParser(words, query).parse();
    return query;
  };
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  // A query that never settles fails the test with what it was doing instead of hanging it.
  const deadline = Date.now() + 20000;
  const stuck = (what) => { throw new Error(what + " did not settle; waiting on " + waiting.map(name)); };
  let failure = null;
  const releaseUntil = async (settled, what) => {
    while (!settled()) {
      if (failure !== null) throw failure;
      if (Date.now() > deadline) stuck(what);
      await tick();
      const batch = waiting;
      waiting = [];
      await release(batch);
    }
  };
  let firstDone = false;
  const first = sharded.query(parsed(firstText), firstK, undefined, true).then(() => { firstDone = true; });
  let held = null;
  while (held === null && !firstDone) {
    if (Date.now() > deadline) stuck("the first run");
    await tick();
    const batch = waiting;
    waiting = [];
    if (batch.some((fetching) => name(fetching).startsWith(kind + "/"))) held = batch;
    else await release(batch);
  }
  if (held === null) return { held: [] };
  vectorsAsked.length = 0;
  let hits = null;
  sharded.query(parsed(text), k).then((found) => { hits = found; }, (error) => { failure = error; });
  for (let i = 0; i < 5; i++) await tick();
  const asked = waiting.map(name);
  // Tiers files asked for a term whose next tiers were among those held.
  const heldNames = held.map(name);
  const askedAgain = asked.filter((file) => Object.values(sharded.tiers).some((tiers) =>
    tiers.rest.some((tier) => "tiers/" + tier[2] + ".json" === file) &&
    tiers.rest.some((tier) => heldNames.includes("tiers/" + tier[2] + ".json"))));
  const papersAsked = vectorsAsked.slice();
  await release(held);
  await releaseUntil(() => hits !== null, "the second run");
  await releaseUntil(() => firstDone, "the first run");
  const shown = hits.slice(0, k);
  let docs = null;
  sharded.documents(shown.map((hit) => hit.ref)).then((found) => { docs = found; });
  await releaseUntil(() => docs !== null, "the result data");
  return { held: heldNames, asked, askedAgain, papersAsked, hits: shown.map((hit, i) => [docs[i].id, hit.score]),
           total: hits.total, complete: hits.complete };
}"""


# The first run is the look-ahead's (speculative: fewer tiers a round), the second the keystroke's.
@pytest.mark.parametrize("kind, first_text, first_k, text, k", [
    ("tiers", "language model", 8, "language models", 8), ("tiers", "deep learning", 8, "deep learning", 8),
    ("tiers", "graph neural networks", 1, "graph neural networks", 8),
    ("heads", "deep learning", 30, "deep learning", 30), ("heads", "language model", 8, "language model", 8),
    ("heads", "learning model representation", 100, "learning model representation", 100)])
def test_a_query_waits_for_the_tier_and_head_files_already_on_their_way(open_page, sharded_site, kind, first_text,
                                                                       first_k, text, k):
    # The header box's look-ahead is often still fetching the next word's files when its key comes.
    # Asking for more tiers of that word, or for the papers of a head file one by one, spent bytes:
    # at a 30 ms round trip "large language models" went past 300 KB at 100,000 papers.
    url, out, index = sharded_site
    page = open_search_page(open_page, url, "diffusion")
    answer = page.evaluate(ON_THEIR_WAY, [url + "search-small/manifest.json", first_text, first_k, text, k, kind])
    assert answer["held"], f"no round of {first_text!r} fetched {kind} files: pick another query"
    assert answer["askedAgain"] == [], answer
    papers_on_their_way = {row[0] for name in answer["held"] if name.startswith("heads/")
                           for row in json.loads((out / "search-small" / name).read_text(encoding="utf-8"))}
    assert kind != "heads" or papers_on_their_way, answer
    assert not papers_on_their_way & set(answer["papersAsked"]), answer
    assert_same_top(lunr_results(index, text),
                    TopHits([tuple(hit) for hit in answer["hits"]], answer["total"], answer["complete"]), k)
