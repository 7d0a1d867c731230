"""Live reload in a real browser: `sitegen serve` on the seed archive, driven by headless chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from serve_process import ServeProcess


TITLE = "Tuning Pre-trained Model via Moment Probing"
SLUG = "tuning-pre-trained-model-via-moment-probing"
RELOAD_TIMEOUT_MS = 30_000

pytestmark = pytest.mark.browser


@pytest.fixture
def serve(seed_project: Path, tmp_path: Path):
    process = ServeProcess(seed_project, tmp_path).start()
    process.wait_for_output("Serving http://")
    yield process
    process.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _open_paper(page, serve: ServeProcess) -> None:
    page.goto(f"{serve.origin}/papers/{SLUG}/")
    expect(page.locator("h1")).to_have_text(TITLE)
    # Wait until the live-reload stream is connected, so no change can slip past the page.
    page.wait_for_selector("html[data-sitegen-reload=listening]", state="attached", timeout=RELOAD_TIMEOUT_MS)
    # Survives only as long as the page does: gone after a reload.
    page.evaluate("() => { window.beforeEdit = true; }")


def _reloaded(page) -> bool:
    return page.evaluate("() => window.beforeEdit === undefined")


def test_editing_a_paper_reloads_the_open_page_with_the_new_text(serve, page, seed_project):
    _open_paper(page, serve)
    override = seed_project / "content" / "papers" / f"{SLUG}.md"
    override.parent.mkdir(exist_ok=True)
    override.write_text("---\ntitle: Moment Probing, Edited While Previewing\n---\nA reviewer's note, live.\n")
    expect(page.locator("h1")).to_have_text("Moment Probing, Edited While Previewing", timeout=RELOAD_TIMEOUT_MS)
    expect(page.get_by_text("A reviewer's note, live.")).to_be_visible()
    assert _reloaded(page)


def test_a_broken_template_shows_an_overlay_and_a_fix_clears_it(serve, page, seed_project):
    _open_paper(page, serve)
    templates = seed_project / "templates"
    templates.mkdir()
    (templates / "paper.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n<h1>{{ paper.title }</h1>\n{% endblock %}\n'
    )
    overlay = page.locator("#sitegen-error-overlay")
    expect(overlay).to_be_visible(timeout=RELOAD_TIMEOUT_MS)
    expect(overlay).to_contain_text("templates/paper.html")
    # The last good page is still there under the overlay, not reloaded into a broken one.
    expect(page.locator("h1", has_text=TITLE)).to_have_count(1)
    assert not _reloaded(page)

    (templates / "paper.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n<h1>Fixed: {{ paper.title }}</h1>\n{% endblock %}\n'
    )
    expect(page.locator("h1")).to_have_text(f"Fixed: {TITLE}", timeout=RELOAD_TIMEOUT_MS)
    expect(overlay).to_have_count(0)


def test_error_text_in_the_overlay_is_shown_as_text_not_markup(serve, page, seed_project):
    _open_paper(page, serve)
    override = seed_project / "content" / "papers" / f"{SLUG}.md"
    override.parent.mkdir(exist_ok=True)
    # Unclosed YAML: the parser's message quotes "<stream end>", which must not become an element.
    override.write_text("---\ntitle: [<img src=x onerror=\"window.injected=1\">\n---\nBody\n")
    overlay = page.locator("#sitegen-error-overlay")
    expect(overlay).to_be_visible(timeout=RELOAD_TIMEOUT_MS)
    expect(overlay).to_contain_text(f"content/papers/{SLUG}.md")
    message = overlay.locator("pre").text_content() or ""
    assert re.search(r"<\w", message), message
    assert overlay.locator("pre *").count() == 0
    assert page.evaluate("() => window.injected === undefined")


def test_deleting_a_paper_from_its_listings_turns_the_open_page_into_the_404_page(serve, page, seed_project):
    _open_paper(page, serve)
    for listing in sorted((seed_project / "content" / "listings").glob("*.txt")):
        text = listing.read_text(encoding="utf-8")
        without = _remove_entry(text, TITLE)
        if without != text:
            listing.write_text(without, encoding="utf-8")
    expect(page.locator("h1")).to_have_text("Page not found", timeout=RELOAD_TIMEOUT_MS)
    assert serve.get(f"/papers/{SLUG}/")[0] == 404


def _remove_entry(listing: str, title: str) -> str:
    """LISTING without the paper TITLE: its title line and the abstract paragraph after it."""
    lines = listing.split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() == title:
            index += 1
            while index < len(lines) and not lines[index].strip():
                index += 1
            index += 1  # the abstract: one paragraph on one line in the seed listings
            continue
        kept.append(lines[index])
        index += 1
    return "\n".join(kept)
