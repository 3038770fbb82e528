"""Catch Content-Security-Policy violations in a Playwright page: what the browser refused to load or run.

    watch_csp(page)                 # before the first goto
    page.goto(url)
    assert csp_violations(page) == []

Both channels are read: `securitypolicyviolation` events, recorded by a script added to every document
before its own scripts run, and the console lines Chromium prints for a refusal (they also cover what
happens before the recorder exists, such as a blocked inline script in the page's head).
"""

_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${event.sourceFile}:${event.lineNumber})`
  );
});
"""


def watch_csp(page) -> None:
    """Start recording CSP violations on `page` (call before navigating)."""
    page.csp_console = []
    page.add_init_script(_RECORDER)
    page.on(
        "console",
        lambda message: page.csp_console.append(message.text) if "Content Security Policy" in message.text else None,
    )


def csp_violations(page) -> list[str]:
    """Every violation seen on `page` so far: events of the current document, then console lines."""
    return [*page.evaluate("window.__cspViolations || []"), *page.csp_console]
