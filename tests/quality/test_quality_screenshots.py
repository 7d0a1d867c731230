"""Screenshots of home, a paper page and search results, phone and desktop, both themes.

They are written to test-artifacts/screenshots/ (gitignored) for a person to look at after a run;
docs/screenshots/ holds a few of them for the README.
"""

from __future__ import annotations

import struct

import pytest

from tests.quality.conftest import ARTIFACTS, THEMES, QualitySite, open_in_state, page_path, serve

SCREENSHOTS = ARTIFACTS / "screenshots"
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
PAGES = ("home", "paper", "search results")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    return struct.unpack(">II", data[16:24])


@pytest.mark.browser
@pytest.mark.parametrize("theme", THEMES)
def test_screenshots_of_the_main_pages(browser, quality_sites: dict[str, QualitySite], theme: str):
    site = quality_sites[theme]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site.root) as base:
        for viewport_name, (width, height) in VIEWPORTS.items():
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme="light")
            page = context.new_page()
            for name in PAGES:
                open_in_state(page, base + page_path(site, name), name)
                # The page's own heading must be on screen, or the picture shows nothing useful.
                assert page.locator("h1").first.is_visible(), f"{name} has no visible h1"
                path = SCREENSHOTS / f"{theme}-{name.replace(' ', '-')}-{viewport_name}.png"
                page.screenshot(path=str(path))
                written.append((path, width, height))
            context.close()
    for path, width, height in written:
        assert png_size(path.read_bytes()) == (width, height), path.name
