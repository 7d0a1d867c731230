"""axe-core finds no serious or critical accessibility violation on the main page kinds.

Each page is checked in light and dark colour schemes, at desktop and phone widths, in both themes.
axe is injected from node_modules (package.json pins it), so nothing is fetched from outside.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.quality.conftest import AXE_JS, THEMES, QualitySite, open_in_state, page_path, require_node_module, serve

WIDTHS = {"desktop": 1280, "phone": 390}
SCHEMES = ("light", "dark")
PAGES = ("home", "papers index", "collection", "paper", "search results", "search box results", "404")
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in result["violations"] if violation["impact"] in BLOCKING_IMPACTS]


def describe(violation: dict, where: str) -> str:
    nodes = violation["nodes"]
    lines = [f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']} ({len(nodes)} element(s))"]
    for node in nodes[:3]:
        summary = " ".join(node.get("failureSummary", "").split())
        lines.append(f"    {' '.join(node['target'])}: {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("theme", THEMES)
def test_no_serious_accessibility_violations(browser, quality_sites: dict[str, QualitySite], theme: str, name: str):
    require_node_module(AXE_JS)
    site = quality_sites[theme]
    found = []
    with serve(site.root) as base:
        for width_name, width in WIDTHS.items():
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            for scheme in SCHEMES:
                page.emulate_media(color_scheme=scheme)
                open_in_state(page, base + page_path(site, name), name)
                found += [describe(v, f"{theme} {name}, {scheme}, {width_name}") for v in axe_violations(page)]
            context.close()
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


@pytest.mark.browser
def test_axe_reports_a_serious_violation(browser, tmp_path: Path):
    """The gate can fail: unlabelled inputs and low-contrast text are serious violations."""
    require_node_module(AXE_JS)
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head><body><main>'
        '<input type="text"><p style="color:#bbb;background:#fff">faint text</p></main></body></html>',
        encoding="utf-8")
    context = browser.new_context()
    page = context.new_page()
    with serve(tmp_path) as base:
        page.goto(base)
        ids = {violation["id"] for violation in axe_violations(page)}
    context.close()
    assert {"label", "color-contrast"} <= ids
