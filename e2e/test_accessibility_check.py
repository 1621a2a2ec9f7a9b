"""The accessibility check itself: it must fail on the faults it is there to catch."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .accessibility import axe_violations, sanity_problems

pytestmark = pytest.mark.e2e

FAULTY_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><title>Faulty</title></head>
<body><main>
  <h1>Faulty</h1>
  <p style="color: #aaaaaa; background: #ffffff">Pale grey text on white.</p>
  <form><input type="text" name="unlabelled"><button type="submit"></button></form>
</main></body></html>"""


def test_axe_reports_contrast_and_missing_names_as_serious_or_critical(page: Page) -> None:
    page.set_content(FAULTY_PAGE)

    found = {violation.split(" ")[0] for violation in axe_violations(page)}

    assert {"color-contrast", "label", "button-name"} <= found


def test_the_sanity_check_reports_what_it_looks_for(page: Page) -> None:
    page.set_content(FAULTY_PAGE)

    problems = sanity_problems(page)

    assert "the input unlabelled has no label" in problems
    assert "a button has no accessible name" in problems
    assert "the skip link is missing or points nowhere" in problems
