"""The accessibility check run on every page the browser tests visit.

Two parts. axe-core (pinned in package.json, installed into node_modules by `npm ci`) is injected
into the page and must find no violation of serious or critical impact, the ones that lock
someone out (contrast, names, structure). A small check of our own then catches what axe leaves
alone or only calls moderate: a second h1, a skip link that points nowhere, a table without
header cells. Neither replaces testing with a screen reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_PROBLEMS_SCRIPT = """
() => {
  const problems = [];
  const lang = document.documentElement.getAttribute("lang");
  if (!lang || !lang.trim()) problems.push("the html element has no lang");
  if (!document.title.trim()) problems.push("the page has no title");
  const h1s = document.querySelectorAll("h1");
  if (h1s.length !== 1) problems.push(`the page has ${h1s.length} h1 elements, not one`);
  if (document.querySelectorAll("main").length !== 1) problems.push("the page has no single main");
  const skip = document.querySelector("a.skip-link");
  if (!skip || !document.querySelector(skip.getAttribute("href"))) {
    problems.push("the skip link is missing or points nowhere");
  }
  const controls = document.querySelectorAll(
    "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"
  );
  for (const control of controls) {
    const named = control.labels.length > 0 || control.getAttribute("aria-label")
      || control.getAttribute("aria-labelledby");
    if (!named) problems.push(`the ${control.tagName.toLowerCase()} ${control.name} has no label`);
  }
  for (const button of document.querySelectorAll("button, [role=button]")) {
    if (!button.textContent.trim() && !button.getAttribute("aria-label")) {
      problems.push("a button has no accessible name");
    }
  }
  for (const link of document.querySelectorAll("a[href]")) {
    if (!link.textContent.trim() && !link.getAttribute("aria-label")) {
      problems.push(`the link to ${link.getAttribute("href")} has no text`);
    }
  }
  const seen = new Set();
  for (const element of document.querySelectorAll("[id]")) {
    if (seen.has(element.id)) problems.push(`the id ${element.id} is used twice`);
    seen.add(element.id);
  }
  for (const image of document.querySelectorAll("img:not([alt])")) {
    problems.push(`the image ${image.getAttribute("src")} has no alt text`);
  }
  for (const table of document.querySelectorAll("table")) {
    if (!table.querySelector("th")) problems.push("a table has no header cells");
  }
  return problems;
}
"""


def sanity_problems(page: Page) -> list[str]:
    problems: list[str] = page.evaluate(_PROBLEMS_SCRIPT)
    return problems


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does) to install axe-core")
    page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        _describe(violation)
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def _describe(violation: dict[str, Any]) -> str:
    targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']}: {targets}"


def assert_accessible(page: Page) -> None:
    problems = sanity_problems(page) + axe_violations(page)
    assert problems == [], f"{page.url}: {problems}"
