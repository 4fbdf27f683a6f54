"""The comparison matrix (taxonomy.compare) shaped for templates, which cannot look up a dict by a variable."""

from collections.abc import Callable, Iterable

from papers.models import Paper
from taxonomy.models import Dimension, DimensionValue


def comparison_by_paper(data: dict) -> dict:
    """Papers down, dimensions across: the category page, where there are many papers."""
    return {
        "columns": data["columns"],
        "rows": [
            {
                "paper": row["paper"],
                "categories": row["categories"],
                "cells": [(row["cells"][column["slug"]], column["kind"]) for column in data["columns"]],
            }
            for row in data["rows"]
        ],
    }


def comparison_side_by_side(data: dict, papers: list[Paper], *, remove_url: Callable[[str], str]) -> dict:
    """Papers across, dimensions down: the compare page, where a column is a paper that can be removed."""
    return {
        "columns": [
            {"paper": paper, "categories": row["categories"], "remove_url": remove_url(paper.citation_key)}
            for paper, row in zip(papers, data["rows"], strict=True)
        ],
        "dimensions": [
            {"name": column["name"], "cells": [row["cells"][column["slug"]] for row in data["rows"]]}
            for column in data["columns"]
        ],
    }


def grouped_values(values: Iterable[DimensionValue]) -> list[tuple[Dimension, list[DimensionValue]]]:
    """A paper's values grouped by dimension, in the dimensions' order (values arrive sorted)."""
    groups: list[tuple[Dimension, list[DimensionValue]]] = []
    for value in values:
        if groups and groups[-1][0].pk == value.dimension_id:
            groups[-1][1].append(value)
        else:
            groups.append((value.dimension, [value]))
    return groups
