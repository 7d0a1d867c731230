"""The built seed site in a real browser: phone width, dark mode, keyboard focus, no console errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import serve_folder

PAGE_KINDS = ["", "papers/", "papers/page/2/", "collections/", "a-z/", "code/", "404.html"]


@pytest.fixture(scope="module")
def served_seed(seed_site):
    with serve_folder(seed_site) as url:
        yield url, seed_site


def a_paper(site: Path) -> str:
    return f"papers/{sorted(p.parent.name for p in site.glob('papers/*/index.html') if p.parent.name != 'page')[0]}/"


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_kind_fits_a_phone_and_logs_no_errors(browser, served_seed, scheme):
    base, site = served_seed
    context = browser.new_context(viewport={"width": 360, "height": 740}, color_scheme=scheme)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in [*PAGE_KINDS, a_paper(site)]:
        response = page.goto(base + path)
        assert response.status == 200, path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at phone width"
    assert errors == []
    context.close()


@pytest.mark.browser
def test_dark_mode_changes_the_colours(browser, served_seed):
    base, _ = served_seed
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(base)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        context.close()
    assert colours["light"] == "rgb(255, 255, 255)"
    assert colours["dark"] != colours["light"]


@pytest.mark.browser
def test_first_tab_reveals_the_skip_link_with_a_visible_focus_ring(browser, served_seed):
    base, site = served_seed
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + a_paper(site))
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
        return {text: el.textContent, top: box.top, outline: style.outlineStyle, width: style.outlineWidth};
    }""")
    assert focused["text"] == "Skip to content"
    assert focused["top"] >= 0 and focused["outline"] == "solid" and focused["width"] == "3px"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    context.close()


@pytest.mark.browser
def test_not_found_page_is_styled_and_links_work_at_any_depth(browser, served_seed):
    base, _ = served_seed
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(base + "no/such/paper/here/")
    assert response.status == 404
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == \
        "rgb(22, 50, 92)"
    with page.expect_navigation():
        page.get_by_role("link", name="All papers").first.click()
    assert page.url == base + "papers/"
    assert page.locator("h1").inner_text() == "All papers"
    context.close()
