"""Load the curated catalogue (category tree, placements, comparison values) from fixtures/.

Paper facts come from the verified corpus file; the catalogue files say which papers belong to
the catalogue, where they are placed and why. Loading is idempotent and never overwrites rows
that already exist, so a curator's edits survive a re-run.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from papers.identifiers import normalize_title
from papers.models import Paper, Source
from papers.names import parse_name
from papers.services import create_paper
from papers.signals import announce_catalogue_change
from taxonomy.checks import normalize_section_pointers
from taxonomy.models import Category, Dimension, DimensionValue, Placement, Term

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
CORPUS_PATH = FIXTURES_DIR / "corpus.yaml"
DIMENSIONS_PATH = FIXTURES_DIR / "dimensions.yaml"
SEED_PATH = FIXTURES_DIR / "seed.yaml"

# Corpus fields copied onto Paper as they are (after "?" handling).
_METADATA_FIELDS = ("title", "year", "venue", "venue_short", "entry_type", "pages", "volume", "doi", "arxiv_id")
_URL_FIELDS = {"url": "url", "code_url": "code_url"}
# Corpus field -> dimension slug, for values that go into the comparison.
_DIMENSION_FIELDS = {
    "workload": "workload",
    "heterogeneity": "heterogeneity",
    "technique": "technique",
    "parallelism": "parallelism",
    "evaluated_hardware": "evaluated-hardware",
    "approach": "approach",
    "headline_result": "headline-result",
}


class CatalogueError(ValueError):
    pass


@dataclass
class LoadReport:
    papers_created: int = 0
    papers_existing: int = 0
    categories_created: int = 0
    placements_created: int = 0
    values_created: int = 0
    keys: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"papers: {self.papers_created} created, {self.papers_existing} already present; "
            f"categories: {self.categories_created} created; placements: {self.placements_created} created; "
            f"comparison values: {self.values_created} created"
        )


def split_unconfirmed(raw):
    """("value", confirmed?) — the corpus marks values no source confirmed with a "?"."""
    if not isinstance(raw, str):
        return raw, True
    return re.sub(r"\s*\?", "", raw).strip(), "?" not in raw


def read_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}  # libyaml: ~10x faster


def default_catalogue_paths() -> list[Path]:
    """The seed, then every further catalogue file (fixtures/catalogue-*.yaml) in name order."""
    return [SEED_PATH, *sorted(FIXTURES_DIR.glob("catalogue-*.yaml"))]


@transaction.atomic
def load_catalogue(
    *,
    catalogue_paths: list[Path] | None = None,
    corpus_path: Path = CORPUS_PATH,
    dimensions_path: Path = DIMENSIONS_PATH,
) -> LoadReport:
    report = LoadReport()
    corpus = {entry["key"]: entry for entry in read_yaml(corpus_path)["papers"]}
    term_lookup = _load_dimensions(read_yaml(dimensions_path)["dimensions"])
    for path in catalogue_paths or default_catalogue_paths():
        catalogue = read_yaml(path)
        categories = _load_categories(catalogue.get("categories", []), report)
        for key, curation in (catalogue.get("papers") or {}).items():
            if key not in corpus:
                raise CatalogueError(f"{path.name}: {key} is not in {corpus_path.name}")
            report.keys.append(key)
            _load_paper(corpus[key], curation or {}, categories, term_lookup, report)
    announce_catalogue_change()  # cached responses are stale once this commits
    return report


class _TermLookup:
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


def _load_dimensions(definitions) -> _TermLookup:
    lookup = _TermLookup()
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
        for spec in definition.get("terms", []):
            term, _ = Term.objects.get_or_create(
                dimension=dimension,
                slug=spec["slug"],
                defaults={"name": spec["name"], "description": spec.get("description", "")},
            )
            lookup.add(term, [term.slug, term.name, *spec.get("aliases", [])])
    return lookup


def _load_categories(specs, report: LoadReport, parent=None) -> dict[str, Category]:
    categories = {category.slug: category for category in Category.objects.all()}
    # A later file's categories go after the siblings already there (the seed's stay first).
    first = Category.objects.filter(parent=parent).count()
    for order, spec in enumerate(specs, start=first):
        category, created = Category.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "parent": parent,
                "name": spec["name"],
                "description": " ".join(spec.get("description", "").split()),
                "problem": " ".join(spec.get("problem", "").split()),
                "sort_order": order,
            },
        )
        report.categories_created += created
        categories[category.slug] = category
        categories.update(_load_categories(spec.get("children", []), report, parent=category))
    return categories


def _load_paper(facts: dict, curation: dict, categories: dict[str, Category], terms: _TermLookup, report):
    key = facts["key"]
    if Paper.objects.filter(citation_key=key).exists():
        report.papers_existing += 1
        return
    fields, unconfirmed = {}, []
    for name in _METADATA_FIELDS:
        value, confirmed = split_unconfirmed(facts.get(name))
        if value in (None, ""):
            continue
        fields[name] = str(value) if name not in ("year",) else value
        if not confirmed:
            unconfirmed.append(name)
    for corpus_name, model_name in _URL_FIELDS.items():
        if facts.get(corpus_name):
            # "https://github.com/x/y (third-party mirror?)": the link, without the corpus's remark.
            value, confirmed = split_unconfirmed(facts[corpus_name].split(" (", 1)[0])
            fields[model_name] = value
            if not confirmed or "?" in facts[corpus_name]:
                unconfirmed.append(model_name)
    if "citations" in curation:
        fields["citation_count"] = curation["citations"]
    if curation.get("version_note"):
        fields["version_note"] = " ".join(curation["version_note"].split())
    authors = [split_unconfirmed(name) for name in facts["authors"]]
    if not all(confirmed for _, confirmed in authors):
        # The name loses its "?"; the paper records that its author list is not confirmed.
        unconfirmed.append("authors")
    paper = create_paper(
        citation_key=key,
        fields=fields,
        authors=[parse_name(name) for name, _ in authors],
        source=Source.CORPUS,
    )
    if unconfirmed:
        paper.unconfirmed_fields = unconfirmed
        paper.save(update_fields=["unconfirmed_fields"])
    report.papers_created += 1

    for slug, note in (curation.get("placements") or {}).items():
        if slug not in categories:
            raise CatalogueError(f"{key}: unknown category {slug!r}")
        Placement.objects.create(paper=paper, category=categories[slug], note=" ".join((note or "").split()))
        report.placements_created += 1

    evidence = curation.get("evidence") or {}
    values = []
    for corpus_name, dimension_slug in _DIMENSION_FIELDS.items():
        raw_values = facts.get(corpus_name)
        raw_values = raw_values if isinstance(raw_values, list) else [raw_values]
        for position, raw in enumerate(v for v in raw_values if v):
            text, confirmed = split_unconfirmed(raw)
            dimension = terms.dimensions[dimension_slug]
            term = None
            if dimension.kind == Dimension.Kind.TERMS:
                term = terms.find(dimension_slug, text)
                if normalize_title(text) in (normalize_title(term.name), normalize_title(term.slug)):
                    text = ""
            # The corpus writes "Sec. 7"; the catalogue writes section pointers "§7" throughout.
            text = normalize_section_pointers(text)
            values.append(
                DimensionValue(
                    paper=paper,
                    dimension=dimension,
                    term=term,
                    text=text,
                    confirmed=confirmed,
                    evidence=(evidence.get(dimension_slug) or {}).get(term.slug if term else "", ""),
                    position=position,
                )
            )
    DimensionValue.objects.bulk_create(values)
    report.values_created += len(values)
