"""Accessibility checks in a Playwright page with axe-core (Deque's engine, vendored in static/vendor/axe-core).

    page.goto(url)
    assert axe_violations(page) == [], describe(axe_violations(page))

axe is evaluated through the DevTools protocol, as the test's own code, so the page's Content-Security-Policy
(no inline scripts) does not refuse it and the page under test never loads it. The rules are axe's WCAG 2.x
A and AA rules plus its best practices; a violation counts when its impact is serious or critical.
"""
from __future__ import annotations

from functools import cache

from .browser import REPO_ROOT

AXE_SOURCE = REPO_ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 200), summary: n.failureSummary})),
  }));
}"""


@cache
def _axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def axe_violations(page, *, impacts=SERIOUS) -> list[dict]:
    """The violations axe finds on the page as it is now, of the given impacts: [{id, impact, help, nodes}]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    return [violation for violation in page.evaluate(_RUN, RULE_TAGS) if violation["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """The violations as lines a failing assertion can show: rule, impact, what to fix, and where."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}: {node['html']}" for node in violation["nodes"][:5])
    return "\n".join(lines)
