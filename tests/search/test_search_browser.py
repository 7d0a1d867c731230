"""Search in a real browser: Debian's chromium, driven by Playwright, against built sites."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sitegen.build import build
from sitegen.search.stemmer import load_index_like_lunr_js
from tests.conftest import REPO_ROOT, serve_folder

pytestmark = pytest.mark.browser

LISTING_HEADER = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"

FLOWER_PETALS = "Higher-order Graph Convolutional Network with Flower-Petals Laplacians on Simplicial Complexes"
HOSTILE_TITLE = '<img src=x onerror="window.pwned=1">Evil <b>markup</b> & "quotes" in a title'
HOSTILE_ABSTRACT = "An evil abstract with <script>window.pwned=2</script> and <em>tags</em> &amp; entities."

# Lowercasing İ adds a character and 🚀 is two UTF-16 units: highlights must still land on the word.
ASTRAL_TITLE = "İstanbul 🚀 rocket science with 𝒳-rays"

HEADER_OPTIONS = "#search-q-results [role=option]"
PAGE_OPTIONS = "#search-page-results [role=option]"
PAGE_STATUS = ".search-page [data-search-status]"
BOX_STATUS = ".search-box [data-search-status]"


@pytest.fixture(scope="module")
def seed_url(seed_site: Path) -> Iterator[str]:
    with serve_folder(seed_site) as url:
        yield url


@pytest.fixture(scope="module")
def sub_path_url(tmp_path_factory) -> Iterator[str]:
    """The seed site published under /repo/, as on GitHub project pages."""
    project = tmp_path_factory.mktemp("sub-path") / "project"
    project.mkdir()
    shutil.copy2(REPO_ROOT / "sitegen.toml", project / "sitegen.toml")
    shutil.copytree(REPO_ROOT / "content", project / "content")
    www = project.parent / "www"
    build(project, out_dir=www / "repo", base_url="/repo/")
    with serve_folder(www) as url:
        yield url + "repo/"


@pytest.fixture(scope="module")
def dense_url(tmp_path_factory) -> Iterator[str]:
    """The seed site in the dense theme, which inherits the search box from the default theme."""
    project = tmp_path_factory.mktemp("dense") / "project"
    project.mkdir()
    config = (REPO_ROOT / "sitegen.toml").read_text(encoding="utf-8")
    (project / "sitegen.toml").write_text(config.replace('theme = "default"', 'theme = "dense"'), encoding="utf-8")
    shutil.copytree(REPO_ROOT / "content", project / "content")
    with serve_folder(build(project).out_dir) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    project = tmp_path_factory.mktemp("hostile") / "project"
    listings = project / "content" / "listings"
    listings.mkdir(parents=True)
    (project / "sitegen.toml").write_text('title = "Hostile"\n', encoding="utf-8")
    papers = [(HOSTILE_TITLE, HOSTILE_ABSTRACT), ("A calm paper about sheep", "Sheep graze; nothing evil here."),
              (ASTRAL_TITLE, "Data from İstanbul 𝒳 🚀 launches rockets.")]
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in papers)
    (listings / "000_hostile.txt").write_text(f"{LISTING_HEADER}Mar 12\n\n{body}", encoding="utf-8")
    with serve_folder(build(project).out_dir) as url:
        yield url


@pytest.fixture
def open_page(browser):
    """Opens pages in a fresh browser context; fails the test on any console error or warning."""
    problems: list[str] = []
    context = browser.new_context()

    def open_page(url: str):
        page = context.new_page()
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
        page.goto(url)
        return page

    yield open_page
    context.close()
    assert problems == []


def wait_for_answer(page, results: str, query: str) -> None:
    """Until RESULTS (a list's id) shows the answer to QUERY, typed or loaded."""
    page.wait_for_selector(f"#{results}[data-query='{query.strip()}']", state="attached")


def type_in_header_box(page, text: str) -> None:
    page.keyboard.press("/")
    type_more(page, text)


def type_more(page, text: str) -> None:
    page.keyboard.type(text)
    wait_for_answer(page, "search-q-results", page.input_value("#search-q"))


def wait_for_page_status(page) -> str:
    wait_for_answer(page, "search-page-results", page.input_value("#search-page-q"))
    return page.inner_text(PAGE_STATUS)


def test_header_box_shows_highlighted_results_as_you_type(open_page, seed_url):
    page = open_page(seed_url + "papers/")
    type_in_header_box(page, "laplacians")
    assert page.inner_text(BOX_STATUS) == "3 papers match"
    assert page.get_attribute("#search-q", "aria-expanded") == "true"
    first = page.locator(HEADER_OPTIONS).first
    assert first.locator(".search-result-title").inner_text() == FLOWER_PETALS
    assert first.locator(".search-result-title mark").all_inner_texts() == ["Laplacians"]
    assert set(first.locator(".search-result-snippet mark").all_inner_texts()) == {"Laplacians"}
    assert "Trending, Mar 12 (part 1)" in first.locator(".search-result-meta").inner_text()


def test_an_unfinished_last_word_already_finds_longer_words(open_page, seed_url):
    page = open_page(seed_url)
    type_in_header_box(page, "laplaci")
    assert page.inner_text(BOX_STATUS) == "3 papers match"


def test_a_word_typed_past_its_stem_still_finds_it(open_page, seed_url):
    # "reinforcement" is indexed as its stem "reinforc", which "reinforcem*" does not start.
    page = open_page(seed_url)
    type_in_header_box(page, "reinforcement")
    whole_word = page.inner_text(BOX_STATUS)
    assert whole_word.endswith("match") and not whole_word.startswith("No")
    page.fill("#search-q", "")
    for typed in ("reinforcem", "reinforceme", "reinforcemen"):
        page.fill("#search-q", "")
        type_more(page, typed)
        assert page.inner_text(BOX_STATUS) == whole_word, typed
        marked = page.locator(HEADER_OPTIONS).first.locator("mark").all_inner_texts()
        assert "reinforcement" in {text.lower() for text in marked}, typed
    page.fill("#search-q", "")
    type_more(page, "reinfzzzzzzz")  # it backs off no further than half the word
    assert page.inner_text(BOX_STATUS).startswith("No papers match")


def test_header_box_answers_each_keystroke_without_waiting_for_a_pause(open_page, seed_url):
    # With the page's timers frozen, an answer that waited for the reader to pause would never come.
    page = open_page(seed_url)
    page.clock.install()
    page.clock.pause_at(page.evaluate("Date.now()") + 60_000)
    page.keyboard.press("/")
    page.keyboard.type("lapla")
    page.wait_for_selector("#search-q-results[data-query='lapla']", state="attached", timeout=10_000)
    page.keyboard.type("cians")
    page.wait_for_selector("#search-q-results[data-query='laplacians']", state="attached", timeout=10_000)
    assert page.inner_text(BOX_STATUS) == "3 papers match"


def test_code_badge_and_link_to_all_results(open_page, seed_url):
    page = open_page(seed_url)
    type_in_header_box(page, "hopfield")
    option = page.locator(HEADER_OPTIONS).filter(has_text="Hopfield Networks is All You Need")
    assert option.locator(".chip-code").inner_text() == "Code"
    type_more(page, " network")  # many results: the dropdown offers the full list
    link = page.locator("[data-search-all]")
    assert link.is_visible()
    query = parse_qs(urlsplit(link.get_attribute("href")).query)["q"]
    assert query == ["hopfield network"]


def test_keyboard_moves_through_results_enter_opens_escape_closes(open_page, seed_url):
    page = open_page(seed_url + "collections/")
    type_in_header_box(page, "laplacians")
    options = page.locator(HEADER_OPTIONS)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#search-q", "aria-activedescendant") == options.nth(1).get_attribute("id")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowUp")
    assert options.nth(0).get_attribute("aria-selected") == "true"
    assert options.nth(1).get_attribute("aria-selected") == "false"

    page.keyboard.press("Escape")
    assert page.locator("[data-search-popup]").is_hidden()
    assert page.get_attribute("#search-q", "aria-expanded") == "false"

    page.keyboard.press("ArrowDown")  # reopens on the first result
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/papers/higher-order-graph-[^/]*/$", page.url)
    assert page.inner_text("h1") == FLOWER_PETALS


def test_enter_without_a_selection_opens_the_search_page(open_page, seed_url):
    page = open_page(seed_url + "a-z/")
    type_in_header_box(page, "sheaf")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["sheaf"]
    assert wait_for_page_status(page) == "1 paper matches"


def test_search_page_query_round_trips_through_the_url_and_back_button(open_page, seed_url):
    page = open_page(seed_url + "search/?q=laplacians")
    assert wait_for_page_status(page) == "3 papers match"
    assert page.input_value("#search-page-q") == "laplacians"
    assert page.title().startswith("laplacians")

    page.fill("#search-page-q", "title:diffusion")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=title%3Adiffusion$"))
    page.wait_for_function("document.querySelectorAll('#search-page-results mark').length > 0")
    titles = page.locator(f"{PAGE_OPTIONS} .search-result-title")
    assert titles.count() > 1
    for text in titles.all_inner_texts():
        assert "diffusion" in text.lower()
    assert {m.lower() for m in page.locator(f"{PAGE_OPTIONS} .search-result-title mark").all_inner_texts()} == {
        "diffusion"}

    page.go_back()
    page.wait_for_function("document.querySelector('#search-page-q').value === 'laplacians'")
    assert wait_for_page_status(page) == "3 papers match"
    assert page.locator(PAGE_OPTIONS).first.locator(".search-result-title").inner_text() == FLOWER_PETALS


def test_search_page_keyboard_opens_a_result(open_page, seed_url):
    page = open_page(seed_url + "search/?q=sheaf")
    wait_for_page_status(page)
    page.focus("#search-page-q")
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/papers/sheaf-neural-networks" in page.url


@pytest.mark.parametrize("query, message", [
    ("title:", "not complete"),
    ("+", "not complete"),
    ("author:smith", "There is no field “author:”"),
    ("graph~", "Put a number after ~"),
    ("graph~9", "Fuzzy matching goes up to ~2"),
])
def test_a_malformed_query_shows_a_friendly_message(open_page, seed_url, query, message):
    page = open_page(seed_url + "search/")
    page.fill("#search-page-q", query)
    wait_for_page_status(page)
    assert page.locator(PAGE_STATUS).get_attribute("class").split().count("search-status-error") == 1
    assert message in page.inner_text(PAGE_STATUS)
    assert page.locator(PAGE_OPTIONS).count() == 0


def test_words_with_digits_and_a_lone_wildcard_work(open_page, seed_url):
    # lunr.js 2.3.9 alone loses some words with digits and then throws on "*" (lunr.js#503).
    page = open_page(seed_url + "search/?q=1000x1000")
    assert wait_for_page_status(page) == "1 paper matches"
    assert page.locator(f"{PAGE_OPTIONS} .search-result-snippet mark").all_inner_texts() == ["1000x1000"]
    page.fill("#search-page-q", "*")
    assert wait_for_page_status(page) == "463 papers match"


@pytest.mark.parametrize("word", ["survey", "delay", "employ"])
def test_words_lunr_py_would_stem_differently_are_found(open_page, seed_site, seed_url, word):
    # The index is stemmed as lunr.js stems the query: "survey" was once indexed as "survei".
    expected = load_index_like_lunr_js((seed_site / "search" / "lunr-index.json").read_text(encoding="utf-8"))
    count = len(expected.search(word))
    assert count >= 1
    page = open_page(seed_url + "search/?q=" + word)
    assert wait_for_page_status(page) == (f"{count} papers match" if count > 1 else "1 paper matches")
    assert word in page.inner_text("#search-page-results").lower()


def test_no_match_explains_what_to_try(open_page, seed_url):
    page = open_page(seed_url + "search/?q=zzyzxqq")
    status = wait_for_page_status(page)
    assert status.startswith("No papers match “zzyzxqq”")
    assert "wildcard" in status


def test_the_index_loads_only_when_search_is_used(open_page, seed_url):
    page = open_page(seed_url + "papers/")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.wait_for_timeout(500)
    assert not [url for url in fetched if "/search/" in url or "lunr" in url]
    page.focus("#search-q")
    page.wait_for_function("window.lunr !== undefined")
    assert any("lunr-index.json" in url for url in fetched)


def test_search_works_under_a_sub_path_from_any_depth(open_page, sub_path_url):
    page = open_page(sub_path_url + "collections/")
    with page.expect_navigation():
        page.locator("main a[href*='000_']").first.click()
    assert urlsplit(page.url).path.startswith("/repo/collections/000_")
    type_in_header_box(page, "laplacians")
    href = page.locator(HEADER_OPTIONS).first.get_attribute("href")
    assert href.startswith(sub_path_url + "papers/higher-order-graph-")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # no selection: the full search page, under the sub-path
    assert page.url.startswith(sub_path_url + "search/?q=laplacians")
    assert wait_for_page_status(page) == "3 papers match"
    with page.expect_navigation():
        page.locator(PAGE_OPTIONS).first.click()
    assert page.inner_text("h1") == FLOWER_PETALS


def test_hostile_titles_and_abstracts_show_as_text(open_page, hostile_url):
    page = open_page(hostile_url + "search/?q=evil")
    assert wait_for_page_status(page) == "2 papers match"
    hostile = page.locator(PAGE_OPTIONS).filter(has_text="onerror")
    assert hostile.locator(".search-result-title").inner_text() == HOSTILE_TITLE
    assert HOSTILE_ABSTRACT in hostile.locator(".search-result-snippet").inner_text()
    assert page.locator("#search-page-results img, #search-page-results script, #search-page-results b").count() == 0
    assert page.evaluate("window.pwned") is None
    page.goto(hostile_url)
    type_in_header_box(page, "quotes")
    assert page.locator(f"{HEADER_OPTIONS} .search-result-title").first.inner_text() == HOSTILE_TITLE
    assert page.evaluate("window.pwned") is None


def test_search_works_in_the_dense_theme(open_page, dense_url):
    page = open_page(dense_url + "papers/")
    assert "dense.css" in page.inner_html("head")
    type_in_header_box(page, "laplacians")
    assert page.inner_text(BOX_STATUS) == "3 papers match"
    assert page.locator(f"{HEADER_OPTIONS} .search-result-title").first.inner_text() == FLOWER_PETALS


def test_highlights_land_on_the_word_after_wide_and_changing_characters(open_page, hostile_url):
    page = open_page(hostile_url + "search/?q=science rockets")
    assert wait_for_page_status(page) == "1 paper matches"
    result = page.locator(PAGE_OPTIONS).first
    assert result.locator(".search-result-title").inner_text() == ASTRAL_TITLE
    assert result.locator(".search-result-title mark").all_inner_texts() == ["rocket", "science"]
    assert result.locator(".search-result-snippet mark").all_inner_texts() == ["rockets"]
