"""An axe-free accessibility sanity check, run on every page the browser tests visit.

It is no substitute for an audit with axe or a screen reader; it catches the regressions that are
easiest to make in a template: an unlabelled control, a second h1, a missing language, duplicate
ids, a button with no name.
"""

from __future__ import annotations

from playwright.sync_api import Page

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


def accessibility_problems(page: Page) -> list[str]:
    problems: list[str] = page.evaluate(_PROBLEMS_SCRIPT)
    return problems


def assert_accessible(page: Page) -> None:
    problems = accessibility_problems(page)
    assert problems == [], f"{page.url}: {problems}"
