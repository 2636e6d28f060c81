"""axe-core (npm, from web/node_modules) run in a page: the one rule set every accessibility test uses."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def run_axe(page, include: list[str] | None = None) -> dict:
    """axe's result for the whole document, or only inside the elements the ``include`` selectors
    name (a panel, a dialog): {"violations": [{id, impact, help, targets}], "passes": n}.

    A violation counts when a second run, two frames and a moment later, finds it again. On a
    loaded CI machine axe once reported colour-contrast on a dialog's blue button (white on
    #0b57d0 is 6.4:1) that passes on every other run; the cause was not found. A real violation
    stays (tests/browser/test_axe_helper.py); the colours axe measured are in ``measured``.
    """
    # Judge the page as a person sees it: after a click on a link the new page's DOM can be there
    # before its stylesheets are (a loaded machine), and unstyled links are below the target size.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = _axe(page, include)
    if result["violations"]:
        page.wait_for_timeout(300)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        again = _axe(page, include)
        seen = {(v["id"], target) for v in again["violations"] for target in v["targets"]}
        kept = []
        for v in result["violations"]:
            nodes = [(t, m) for t, m in zip(v["targets"], v["measured"]) if (v["id"], t) in seen]
            if nodes:
                kept.append({**v, "targets": [t for t, _ in nodes], "measured": [m for _, m in nodes]})
        result["violations"] = kept
    # A part of a page passes fewer rules than a whole page does.
    assert result["passes"] > (5 if include else 10), "axe really ran"
    return result


def _axe(page, include: list[str] | None) -> dict:
    return page.evaluate(
        """([include, tags]) => axe.run(include ? {include: include.map((s) => [s])} : document,
                                        {runOnly: {type: 'tag', values: tags}}).then((r) => ({
            violations: r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((n) => n.target.join(' ')),
                measured: v.nodes.map((n) => {
                    const data = (n.any[0] || n.all[0] || {}).data || {};
                    return data.fgColor ? `${data.fgColor} on ${data.bgColor}, ${data.contrastRatio}:1` : '';
                })})),
            passes: r.passes.length}))""",
        [include, AXE_TAGS],
    )


def axe_violations(page, *include: str) -> list[str]:
    """The violations as readable lines (empty when the page, or the parts named, pass)."""
    return [f"{v['id']} ({v['impact']}): {v['help']}: "
            + ", ".join(f"{t} ({m})" if m else t for t, m in zip(v["targets"], v["measured"]))
            for v in run_axe(page, list(include) or None)["violations"]]


def check_toolbar_button(page, button) -> None:
    """A toolbar button passes axe with the page, is at least 44 px, is reached by Tab and shows its focus."""
    result = run_axe(page)
    assert result["violations"] == [], result["violations"]
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    button.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # reached by the keyboard
    assert button.evaluate("b => b === document.activeElement"), "focused again by Tab"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid", "visible focus"
