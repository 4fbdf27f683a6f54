"""Reads that combine papers with the taxonomy: the read recipe of each shape, term filters, facet counts.

Every door reads papers through these recipes, so a list row or a paper page costs the same fixed number of
queries wherever it is shown (API, pages, compare, feeds, admin)."""

import hashlib

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)

from lib.cache import catalogue_generation, get_or_compute
from papers.models import Paper
from taxonomy.clusters import GpuLookup, evaluated_on_vendor, gpu_family, with_mixed_gpus
from taxonomy.models import Baseline, Dimension, DimensionValue, Placement, Result, Setup, SetupGpu
from taxonomy.services import category_tree

FACET_DIMENSIONS = ("technique", "workload")


def _placements() -> Prefetch:
    placements = Placement.objects.select_related("category").order_by("category__sort_order", "category__name")
    return Prefetch("placements", queryset=placements)


def _values() -> Prefetch:
    values = DimensionValue.objects.select_related("dimension", "term")
    return Prefetch("dimension_values", queryset=values.order_by("dimension__sort_order", "position", "pk"))


def papers_for_listing() -> QuerySet:
    """Public papers with what a list row shows: ordered authors and placements (three queries in all)."""
    return Paper.objects.public().with_authors().prefetch_related(_placements())


def _evaluation() -> list:
    """A paper's evaluation facts: setups with their GPU rows and types, results, baselines, models."""
    gpus = SetupGpu.objects.select_related("gpu_type")
    return [
        Prefetch("setups", queryset=Setup.objects.prefetch_related(Prefetch("gpus", queryset=gpus))),
        Prefetch("results", queryset=Result.objects.select_related("baseline_paper")),
        Prefetch("baselines", queryset=Baseline.objects.select_related("baseline_paper")),
        "evaluated_models",
    ]


def papers_for_detail(*, include_hidden: bool = False) -> QuerySet:
    """Papers with everything a paper's page shows; `include_hidden` for staff (candidates, rejected)."""
    papers = Paper.objects.all() if include_hidden else Paper.objects.public()
    return papers.with_authors().select_related("evaluation").prefetch_related(_placements(), _values(), *_evaluation())


def prefetch_for_comparison(papers: list[Paper]) -> None:
    """Placements, comparison values and evaluation facts of papers in hand (a fixed number of queries)."""
    prefetch_related_objects(papers, _values(), _placements(), "evaluation", *_evaluation())


def term_dimensions() -> dict[str, Dimension]:
    """Dimensions with controlled terms, by slug: each is a filter parameter (technique=ilp)."""
    return {d.slug: d for d in Dimension.objects.filter(kind=Dimension.Kind.TERMS)}


def resolve_terms(dimension: Dimension, slugs: list[str]) -> tuple[set[int], list[str]]:
    """(ids of the terms `slugs` name, with their families' members; the slugs no term answers to).

    A slug is a term's own or one of its former slugs, so filter URLs from before a clean-up still work."""
    terms = list(dimension.terms.all())
    by_slug = {term.slug: term for term in terms}
    for term in terms:
        for former in term.former_slugs:
            by_slug.setdefault(former, term)
    members: dict[int, list[int]] = {}
    for term in terms:
        if term.parent_id:
            members.setdefault(term.parent_id, []).append(term.pk)
    ids, unknown = set(), []
    for slug in slugs:
        term = by_slug.get(slug)
        if term is None:
            unknown.append(slug)
            continue
        stack = [term.pk]
        while stack:
            pk = stack.pop()
            if pk not in ids:
                ids.add(pk)
                stack.extend(members.get(pk, []))
    return ids, unknown


def filter_by_terms(queryset: QuerySet, term_ids: set[int]) -> QuerySet:
    """Papers holding any of the terms (one indexed semi-join)."""
    return queryset.filter(Exists(DimensionValue.objects.filter(paper=OuterRef("pk"), term_id__in=term_ids)))


def facet_counts(queryset: QuerySet) -> dict:
    """Counts for the current result set: per category (subtree, each paper once), year, technique, workload,
    GPU model (memory variants counted together, as the gpu filter reads them), vendor, and the papers with a
    code link (has_code), with code the authors published (open_source), with a setup that mixes GPU types
    (mixed_gpus).

    Cached for settings.FACET_CACHE_SECONDS per distinct result set (its SQL) and catalogue generation (a
    committed write starts afresh): over 100,000 papers the four aggregates cost ~1 s, and the same
    unfiltered or popular lists are asked for again and again.
    """
    seconds = settings.FACET_CACHE_SECONDS
    if not seconds:
        return _facet_counts(queryset)
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a filter no row can match (year_min=99999): nothing to count or cache
        return _facet_counts(queryset)
    key = f"facets:{catalogue_generation()}:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    return get_or_compute(key, lambda: _facet_counts(queryset), seconds)


def _facet_counts(queryset: QuerySet) -> dict:
    paper_ids = queryset.order_by().values("pk")
    roots = category_tree(papers=paper_ids)
    years = queryset.order_by().values("year").annotate(n=Count("pk")).order_by("-year")
    terms = (
        DimensionValue.objects.filter(paper__in=paper_ids, dimension__slug__in=FACET_DIMENSIONS, term__isnull=False)
        .values("dimension__slug", "term__slug", "term__name")
        .annotate(n=Count("pk"))  # (paper, term) is unique: no DISTINCT needed
        .order_by("dimension__slug", "-n", "term__name")
    )
    facets = {
        "category": [
            {"slug": node.category.slug, "name": node.category.name, "count": node.paper_count}
            for node in _tree_order(roots)
        ],
        "year": [{"year": row["year"], "count": row["n"]} for row in years if row["year"] is not None],
    }
    for dimension in FACET_DIMENSIONS:
        facets[dimension] = [
            {"slug": row["term__slug"], "name": row["term__name"], "count": row["n"]}
            for row in terms
            if row["dimension__slug"] == dimension
        ]
    facets.update(_cluster_facets(queryset, paper_ids))
    return facets


def _cluster_facets(queryset: QuerySet, paper_ids: QuerySet) -> dict:
    """GPU model, vendor and flag counts (each paper once per item) in two grouped queries, through the same
    SQL pieces the filters use."""
    lookup = GpuLookup()
    families: dict[str, list[int]] = {}
    for gpu in lookup.types:
        families.setdefault(gpu_family(gpu.name), []).append(gpu.pk)
    family = Case(
        *(When(gpu_type_id__in=ids, then=Value(name)) for name, ids in families.items()), output_field=CharField()
    )
    by_family = (
        SetupGpu.objects.filter(setup__paper__in=paper_ids, gpu_type__isnull=False)
        .annotate(family=family)
        .values("family")
        .annotate(n=Count("setup__paper", distinct=True))
        .order_by()
        if families
        else []
    )
    vendors = sorted(set(lookup.vendors().values()))
    counts = queryset.order_by().aggregate(
        has_code=Count("pk", filter=~Q(code_url="")),
        open_source=Count("pk", filter=Q(evaluation__open_source=True)),
        mixed_gpus=Count("pk", filter=Q(with_mixed_gpus())),
        **{f"vendor_{n}": Count("pk", filter=Q(evaluated_on_vendor(vendor))) for n, vendor in enumerate(vendors)},
    )
    vendor_items = [
        {"slug": vendor.lower(), "name": vendor, "count": counts[f"vendor_{n}"]} for n, vendor in enumerate(vendors)
    ]
    return {
        "gpu": [
            {"slug": row["family"], "name": row["family"], "count": row["n"]}
            for row in sorted(by_family, key=lambda row: (-row["n"], row["family"]))
        ],
        "vendor": sorted((item for item in vendor_items if item["count"]), key=lambda item: -item["count"]),
        "has_code": [{"slug": "true", "name": "Has code", "count": counts["has_code"]}],
        "open_source": [{"slug": "true", "name": "Code published", "count": counts["open_source"]}],
        "mixed_gpus": [{"slug": "true", "name": "Mixed GPU types", "count": counts["mixed_gpus"]}],
    }


def _tree_order(nodes) -> list:
    ordered = []
    for node in nodes:
        ordered.append(node)
        ordered.extend(_tree_order(node.children))
    return ordered
