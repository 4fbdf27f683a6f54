"""Plain builders for test data: make_paper(**overrides)."""

from itertools import count

from papers.models import Paper
from papers.names import parse_name
from papers.services import set_authors
from taxonomy.models import Category, Placement

_serial = count(1)


def make_paper(*, authors=("Doe, Jane",), **overrides) -> Paper:
    n = next(_serial)
    fields = {
        "citation_key": f"paper{n}",
        "title": f"A paper about heterogeneous GPUs number {n}",
        "year": 2024,
        "venue_short": "TestConf 2024",
        **overrides,
    }
    paper = Paper.objects.create(**fields)
    set_authors(paper, [parse_name(name) for name in authors])
    return paper


def make_category(**overrides) -> Category:
    n = next(_serial)
    return Category.objects.create(**{"slug": f"cat{n}", "name": f"Category {n}", **overrides})


def place(paper: Paper, category: Category, note: str = "") -> Placement:
    return Placement.objects.create(paper=paper, category=category, note=note)
