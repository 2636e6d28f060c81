"""The axe helper itself: a violation that stays is reported, with the colours axe measured."""

from __future__ import annotations

from tests.browser.axe import axe_violations

PAGE = """<!doctype html><html lang="en"><head><title>Contrast</title></head><body><main>
<h1>Contrast</h1>
<button type="button" id="faint" style="color:#9aa0a6;background:#fff;border:1px solid #5f6368">Faint</button>
<section id="fine" aria-label="Fine"><h2>Fine</h2><p>Dark text on white.</p><a href="#fine">A link</a>
<button type="button" id="clear" style="color:#fff;background:#0b57d0;border:0">Clear</button></section>
</main></body></html>"""


def test_a_lasting_contrast_violation_is_reported_with_its_colours(page):
    page.set_content(PAGE)
    found = axe_violations(page)
    assert len(found) == 1, found
    assert found[0].startswith("color-contrast (serious)")
    assert "#faint (#9aa0a6 on #ffffff, 2.64:1)" in found[0]
    assert "#clear" not in found[0]
    assert axe_violations(page, "#fine") == []
