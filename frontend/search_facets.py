"""The search page's facets (category tree, years, terms, GPUs, vendors, yes/no flags) and the filters in force,
each item with the link that adds or removes it, built from the current parameters so they work without
JavaScript."""

from dataclasses import dataclass

from django.db.models import QuerySet

from lib.params import parse_bool
from taxonomy.models import Category
from taxonomy.selectors import FACET_DIMENSIONS, facet_counts

# Facets over the evaluation facts: (parameter, heading); any of the chosen items.
CLUSTER_FACETS = (("gpu", "GPU"), ("vendor", "Vendor"))
# Yes/no filters shown as one link each: (parameter, label when on).
FLAG_FACETS = (("open_source", "Code published"), ("mixed_gpus", "Mixed GPU types"))


@dataclass
class FacetItem:
    label: str
    count: int
    url: str
    selected: bool = False
    depth: int = 0
    key: str = ""  # a stable id, so a script can put focus back on the same item after an update


@dataclass
class ActiveFilter:
    label: str
    remove_url: str


def toggle(values: str, slug: str) -> str:
    """`values` (a comma list) with `slug` added, or removed when present."""
    current = [v for v in values.split(",") if v]
    return ",".join(v for v in current if v != slug) if slug in current else ",".join([*current, slug])


def add_facets(result, queryset: QuerySet, dimensions: dict) -> None:
    """Fill `result` (the SearchPage being built) with the facets of `queryset` and the active filters."""
    counts = facet_counts(queryset)
    params = result.params
    category_counts = {item["slug"]: item["count"] for item in counts["category"]}
    category_names = {}

    # The tree's shape and names only (one query): facet_counts already counted the papers.
    children: dict[int | None, list[Category]] = {}
    for category in Category.objects.tree_order().only("pk", "parent_id", "slug", "name"):
        children.setdefault(category.parent_id, []).append(category)
    items = []

    def walk(parent_id, depth):
        for category in children.get(parent_id, []):
            slug = category.slug
            category_names[slug] = category.name
            selected = params.get("category") == slug
            count = category_counts.get(slug, 0)
            if count or selected:
                items.append(
                    FacetItem(
                        label=category.name,
                        count=count,
                        url=result.url(category=None if selected else slug),
                        selected=selected,
                        depth=depth,
                        key=f"category-{slug}",
                    )
                )
            walk(category.pk, depth + 1)

    walk(None, 0)
    result.facets.append(("category", "Category", items))

    term_names = {}
    for slug in FACET_DIMENSIONS:
        dimension = dimensions.get(slug)
        if dimension is None:
            continue
        chosen = params.get(slug, "")
        rows = counts.get(slug, [])
        term_names.update({(slug, row["slug"]): row["name"] for row in rows})
        facet = [
            FacetItem(
                label=row["name"],
                count=row["count"],
                url=result.url(**{slug: toggle(chosen, row["slug"])}),
                selected=row["slug"] in chosen.split(","),
                key=f"{slug}-{row['slug']}",
            )
            for row in rows
        ]
        result.facets.append((slug, dimension.name, facet))

    year_min, year_max = params.get("year_min"), params.get("year_max")
    for row in counts["year"]:
        year = str(row["year"])
        selected = year_min == year_max == year
        result.year_facet.append(
            FacetItem(
                label=year,
                count=row["count"],
                url=result.url(year_min=None, year_max=None) if selected else result.url(year_min=year, year_max=year),
                selected=selected,
                key=f"year-{year}",
            )
        )

    for param, heading in CLUSTER_FACETS:
        chosen = params.get(param, "")
        chosen_set = {value.lower() for value in chosen.split(",")}
        rows = counts.get(param, [])
        term_names.update({(param, row["slug"]): row["name"] for row in rows})
        facet = [
            FacetItem(
                label=row["name"],
                count=row["count"],
                url=result.url(**{param: toggle(chosen, row["slug"])}),
                selected=row["slug"].lower() in chosen_set,
                key=f"{param}-{row['slug']}",
            )
            for row in rows
        ]
        result.facets.append((param, heading, facet))

    for param, label in FLAG_FACETS:
        on = parse_bool(params.get(param)) is True
        row = counts[param][0]
        result.flags.append(
            FacetItem(label, row["count"], result.url(**{param: None if on else "true"}), selected=on, key=param)
        )

    with_code = parse_bool(params.get("has_code")) is True
    result.has_code = FacetItem(
        label="Has code",
        count=counts["has_code"][0]["count"],
        url=result.url(has_code=None if with_code else "true"),
        selected=with_code,
        key="has-code",
    )

    # The filters in force, each with a link that removes it.
    for name, value in params.items():
        if name in ("q", "ordering", "page"):
            continue
        if name in dimensions or name in dict(CLUSTER_FACETS):
            heading = dimensions[name].name if name in dimensions else dict(CLUSTER_FACETS)[name]
            for slug in value.split(","):
                label = term_names.get((name, slug), slug)
                result.active.append(ActiveFilter(f"{heading}: {label}", result.url(**{name: toggle(value, slug)})))
            continue
        label = {
            "category": lambda v: f"Category: {category_names.get(v, v)}",
            "year_min": lambda v: f"From {v}",
            "year_max": lambda v: f"Until {v}",
            "author": lambda v: f"Author: {v}",
            "venue": lambda v: f"Venue: {v}",
            "has_code": lambda v: "Has code" if parse_bool(v) else "Without code",
            "min_gpus": lambda v: f"At least {v} GPUs",
            "max_gpus": lambda v: f"At most {v} GPUs",
            "baseline": lambda v: f"Compared against: {v}",
            "open_source": lambda v: "Code published" if parse_bool(v) else "Code not published",
            "mixed_gpus": lambda v: "Mixed GPU types" if parse_bool(v) else "No mixed-GPU setup",
        }[name](value)
        result.active.append(ActiveFilter(label, result.url(**{name: None})))
