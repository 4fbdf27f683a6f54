"""The comparison's controlled vocabulary from fixtures/dimensions.yaml: dimensions, terms, families, aliases.

A term may name `former_slugs`: the slugs it had before the vocabulary was cleaned up. Loading renames such a
term in a database that still has it (or merges its values into the new term), and the list filters keep
answering to the old slug, so no saved URL stops working.
"""

from django.db import transaction

from papers.identifiers import normalize_title
from taxonomy.models import Dimension, DimensionValue, Term
from taxonomy.search_facts import papers_changed


class CatalogueError(ValueError):
    pass


class TermLookup:
    """Maps raw corpus spellings onto controlled terms of one dimension."""

    def __init__(self):
        self.dimensions: dict[str, Dimension] = {}
        self.by_key: dict[tuple[str, str], Term] = {}

    def add(self, term: Term, spellings):
        for spelling in spellings:
            self.by_key[(term.dimension.slug, normalize_title(spelling))] = term

    def find(self, dimension_slug: str, raw: str) -> Term:
        term = self.by_key.get((dimension_slug, normalize_title(raw)))
        if term is None and " (" in raw:
            # "DP (FSDP)": the term before the qualifier.
            term = self.by_key.get((dimension_slug, normalize_title(raw.split(" (", 1)[0])))
        if term is None:
            raise CatalogueError(f"No {dimension_slug} term for {raw!r}: add it or an alias to dimensions.yaml")
        return term


def load_dimensions(definitions) -> TermLookup:
    lookup = TermLookup()
    for order, definition in enumerate(definitions):
        dimension, _ = Dimension.objects.get_or_create(
            slug=definition["slug"],
            defaults={
                "name": definition["name"],
                "kind": definition.get("kind", Dimension.Kind.TERMS),
                "description": definition.get("description", ""),
                "sort_order": order,
            },
        )
        lookup.dimensions[dimension.slug] = dimension
        terms = {}
        for spec in definition.get("terms", []):
            term = _term(dimension, spec)
            terms[term.slug] = term
            lookup.add(term, [term.slug, term.name, *spec.get("aliases", [])])
        for spec in definition.get("terms", []):  # families: a member may come before its family
            family = terms.get(spec.get("parent")) if spec.get("parent") else None
            if spec.get("parent") and family is None:
                raise CatalogueError(f"{dimension.slug}: {spec['slug']} names an unknown family {spec['parent']!r}")
            term = terms[spec["slug"]]
            if family is not None and term.parent_id is None:
                term.parent = family
                term.save(update_fields=["parent"])
    return lookup


def _term(dimension: Dimension, spec: dict) -> Term:
    former = spec.get("former_slugs", [])
    term = Term.objects.filter(dimension=dimension, slug=spec["slug"]).first()
    old = list(Term.objects.filter(dimension=dimension, slug__in=former)) if former else []
    if term is None and old:
        # A database loaded before the clean-up: the old term becomes the new one, with its values.
        term, old = old[0], old[1:]
        term.slug, term.name = spec["slug"], spec["name"]
        term.description = spec.get("description", term.description)
    elif term is None:
        term = Term(dimension=dimension, slug=spec["slug"], name=spec["name"], description=spec.get("description", ""))
    term.former_slugs = sorted(set(term.former_slugs) | set(former))
    term.save()
    for stale in old:
        _merge_term(stale, into=term)
    return term


@transaction.atomic
def _merge_term(stale: Term, *, into: Term) -> None:
    """Move a merged term's values onto the term that absorbed it (a paper that has both keeps one)."""
    holders = set(DimensionValue.objects.filter(term=into).values_list("paper_id", flat=True))
    DimensionValue.objects.filter(term=stale, paper_id__in=holders).delete()
    papers_changed(DimensionValue.objects.filter(term=stale).values_list("paper_id", flat=True))
    DimensionValue.objects.filter(term=stale).update(term=into)
    stale.delete()
