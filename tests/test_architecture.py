"""The cores know nothing of HTTP or the admin. import-linter names only top-level external packages, so the
Django modules of requests, responses, pages and the admin are checked here, on the same static import graph."""

import re

import grimp
import pytest

CORES = ("papers", "taxonomy", "lib")
DOOR_MODULES = (
    "django.contrib.admin",
    "django.contrib.syndication",
    "django.http",
    "django.shortcuts",
    "django.template.response",
    "django.views",
)
_FROM = re.compile(r"^from\s+([\w.]+)\s+import\s*(.*)$")
_NAME = re.compile(r"^\w+$")


def dotted_names(line: str) -> list[str]:
    """`from django.contrib import admin, messages` -> django.contrib.admin, django.contrib.messages."""
    line = line.strip()
    if match := _FROM.match(line):
        module, rest = match.groups()
        names = [name.split(" as ")[0].strip() for name in rest.split("#")[0].strip("() ").split(",")]
        # A parenthesised import spans lines and the graph keeps only the first: the module alone then.
        return [f"{module}.{name}" for name in names if _NAME.match(name)] or [module]
    return [part.split(" as ")[0].strip() for part in line.removeprefix("import ").split(",")]


def django_imports(graph, package: str) -> list[str]:
    found = []
    for module in sorted(graph.find_descendants(package) | {package}):
        for detail in graph.get_import_details(importer=module, imported="django"):
            found.extend(f"{module}:{detail['line_number']} {name}" for name in dotted_names(detail["line_contents"]))
    return found


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*CORES, "curation", include_external_packages=True)


def is_door_module(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in DOOR_MODULES)


def test_the_cores_import_no_django_module_of_http_pages_or_the_admin(graph):
    offending = [line for core in CORES for line in django_imports(graph, core) if is_door_module(line.split()[-1])]
    assert offending == []


def test_the_check_sees_such_imports_where_they_belong(graph):
    # The admin imports django.contrib.admin: if the check could not see that, it could never fail.
    assert any(is_door_module(line.split()[-1]) for line in django_imports(graph, "curation"))


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("from django.contrib import admin, messages", ["django.contrib.admin", "django.contrib.messages"]),
        ("from django.http import JsonResponse  # why", ["django.http.JsonResponse"]),
        ("import django.views.generic as generic", ["django.views.generic"]),
        ("from django.http import (", ["django.http"]),
    ],
)
def test_import_lines_are_read_as_dotted_names(line, names):
    assert dotted_names(line) == names
