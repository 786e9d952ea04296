"""The house rules that code review alone would not keep: one visibility policy, apps in one direction.

Rule 1 of DESIGN.md: no view, template, form, feed or admin decides visibility itself. Every
decision about the age gate, explicit tags or moderation states is the policy's
(``catalog/visibility.py``); facts about the viewer alone are the Viewer's
(``accounts/viewer.py``). These tests read the source and fail when a module or template
outside those two looks at the fields the policy rules on.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from accounts import sections as accounts_sections
from catalog import sections as catalog_sections
from glossary import sections as glossary_sections

ROOT = Path(__file__).resolve().parent.parent
SITE_APPS = ["core", "accounts", "catalog", "glossary", "lists", "community", "ops", "config"]

# Where the rules themselves live: the policy, the Viewer, and the User model that holds the birth date.
POLICY_MODULES = {"catalog/visibility.py", "accounts/viewer.py", "accounts/models.py"}

# Reading any of these is deciding about the age gate.
GATE_ATTRIBUTES = {"passed_age_gate", "may_pass_age_gate", "is_minor", "is_adult"}
# Comparing any of these is deciding what is gated or moderated.
COMPARED_FIELDS = {"age_rating", "status"}
RATING_MEMBERS = {("AgeRating", "R18"), ("AgeRating", "R15")}
POST_STATES = {"VISIBLE", "PENDING", "HIDDEN", "REMOVED"}


def site_modules():
    for app in SITE_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, path


def policy_decisions(source: str) -> list[str]:
    """Each place in ``source`` that reads the gate or compares a gated or moderated field, as text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in GATE_ATTRIBUTES:
            found.append(f"line {node.lineno}: reads .{node.attr}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in RATING_MEMBERS:
                found.append(f"line {node.lineno}: names {node.value.id}.{node.attr}")
            if node.value.id == "Status" and node.attr in POST_STATES and isinstance(node.ctx, ast.Load):
                found.append(f"line {node.lineno}: names Status.{node.attr}")
        elif isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                if isinstance(operand, ast.Attribute) and operand.attr in COMPARED_FIELDS:
                    found.append(f"line {node.lineno}: compares .{operand.attr}")
    return found


# Modules that must name these states to write them or define them: the post models, and the
# moderation services and admin that set a post's state (setting is not deciding who sees it).
MAY_NAME_POST_STATES = {"community/models.py", "community/services.py", "community/admin.py"}
# A list entry's status (planned, completed...) is the member's own progress, not a moderation
# state: the lists app compares it freely, and still may not compare anything else.
NAMES_LIST_STATUSES = "lists/"
# The filter form offers the age ratings as choices; it compares nothing.
MAY_NAME_RATINGS = {"catalog/choices.py"}
# A list entry's status (planned, completed...) is the member's progress, not a moderation state.
MAY_COMPARE_LIST_STATUS = {"lists/models.py"}


def offending(relative: str, source: str) -> list[str]:
    found = policy_decisions(source)
    if relative in MAY_NAME_POST_STATES:
        found = [f for f in found if "Status." not in f and "compares .status" not in f]
    if relative.startswith(NAMES_LIST_STATUSES):
        found = [f for f in found if "compares .status" not in f]
    if relative in MAY_NAME_RATINGS:
        found = [f for f in found if "AgeRating." not in f]
    if relative in MAY_COMPARE_LIST_STATUS:
        found = [f for f in found if "compares .status" not in f]
    return found


@pytest.mark.parametrize("relative", [relative for relative, _ in site_modules() if relative not in POLICY_MODULES])
def test_no_module_outside_the_policy_decides_visibility(relative):
    assert offending(relative, (ROOT / relative).read_text()) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "if work.age_rating == 'r18': pass",
        "if request.viewer.passed_age_gate: pass",
        "allowed = user.is_adult() is True",
        "if review.status != Status.VISIBLE: pass",
        "works = works.exclude(age_rating=AgeRating.R18)",
    ],
)
def test_the_check_catches_a_view_that_decides_for_itself(snippet):
    assert offending("catalog/views.py", snippet)


TEMPLATE_DECISION = re.compile(
    r"\{%[^%]*\b(age_rating|passed_age_gate|is_adult|is_minor|\.status)\b[^%]*%\}|[\"']r1[58][\"']"
)


def test_no_template_decides_visibility():
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if TEMPLATE_DECISION.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert offenders == []


def test_the_template_check_catches_a_business_value():
    assert TEMPLATE_DECISION.search('{% if work.age_rating == "r18" %}')
    assert TEMPLATE_DECISION.search('{% if review.status != "visible" %}')


def test_apps_depend_on_each_other_in_one_direction():
    """The import-linter contracts in pyproject.toml (also run by ``make lint``)."""
    linter = Path(sys.executable).with_name("lint-imports")
    if not linter.exists():
        pytest.skip("import-linter is installed with the lint tools (make lint)")
    result = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_sections_come_from_apps_above_the_page():
    """A page's sections are provided by apps higher in the order than the page's own app."""
    order = ["core", "accounts", "catalog", "glossary", "lists", "community"]
    pages = {
        "accounts": [accounts_sections.member_page, accounts_sections.profile_page],
        "catalog": [catalog_sections.work_page, catalog_sections.home_page],
        "glossary": [glossary_sections.term_page],
    }
    for app, registries in pages.items():
        for registry in registries:
            assert registry.registered, f"nothing plugs into the {registry.page}"
            for provider in registry.registered:
                provider_app = provider.__module__.split(".")[0]
                assert order.index(provider_app) > order.index(app), (registry.page, provider.__module__)
