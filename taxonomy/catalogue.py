"""Load the curated catalogue (category tree, placements, comparison values) from fixtures/.

Paper facts come from the verified corpus file; the catalogue files say which papers belong to
the catalogue, where they are placed and why. Loading is idempotent and never overwrites rows
that already exist, so a curator's edits survive a re-run.
"""

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
from taxonomy.clusters import GpuLookup
from taxonomy.facts import FactsReport, link_baselines, load_evaluation, load_gpu_types, trailing_unconfirmed
from taxonomy.heterogeneity import refine_other
from taxonomy.models import Category, Dimension, DimensionValue, Placement
from taxonomy.search_facts import papers_changed, refreshing_once
from taxonomy.vocabulary import CatalogueError, TermLookup, load_dimensions

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
CORPUS_PATH = FIXTURES_DIR / "corpus.yaml"
DIMENSIONS_PATH = FIXTURES_DIR / "dimensions.yaml"
SEED_PATH = FIXTURES_DIR / "seed.yaml"
GPUS_PATH = FIXTURES_DIR / "gpus.yaml"

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


@dataclass
class LoadReport:
    papers_created: int = 0
    papers_existing: int = 0
    categories_created: int = 0
    placements_created: int = 0
    values_created: int = 0
    gpu_types_created: int = 0
    baselines_linked: int = 0
    facts: FactsReport = field(default_factory=FactsReport)
    loaded_keys: set[str] = field(default_factory=set)  # the corpus papers this load went through

    def summary(self) -> str:
        return (
            f"papers: {self.papers_created} created, {self.papers_existing} already present; "
            f"categories: {self.categories_created} created; placements: {self.placements_created} created; "
            f"comparison values: {self.values_created} created; GPU types: {self.gpu_types_created} created; "
            f"evaluation: {self.facts.setups} setups, {self.facts.results} results, {self.facts.baselines} baselines "
            f"({self.baselines_linked} linked to catalogue papers), {self.facts.models} models"
        )


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
    gpus_path: Path = GPUS_PATH,
) -> LoadReport:
    """Load the catalogue files (by default the seed, every fixtures/catalogue-*.yaml, then each corpus paper
    that the corpus itself places in categories) with their papers' facts."""
    with refreshing_once():
        report = _load(catalogue_paths, corpus_path, dimensions_path, gpus_path)
        # Values and GPU rows are bulk-created (no signals): every loaded paper's facts are refreshed.
        papers_changed(Paper.objects.filter(citation_key__in=report.loaded_keys).values_list("pk", flat=True))
    announce_catalogue_change()  # cached responses are stale once this commits
    return report


def _load(catalogue_paths, corpus_path: Path, dimensions_path: Path, gpus_path: Path) -> LoadReport:
    report = LoadReport()
    corpus = {entry["key"]: entry for entry in read_yaml(corpus_path)["papers"]}
    term_lookup = load_dimensions(read_yaml(dimensions_path)["dimensions"])
    if gpus_path.exists():
        report.gpu_types_created = load_gpu_types(read_yaml(gpus_path).get("gpus") or [])
    loader = _PaperLoader(term_lookup, GpuLookup(), report)
    listed = set()
    for path in catalogue_paths or default_catalogue_paths():
        catalogue = read_yaml(path)
        categories = _load_categories(catalogue.get("categories", []), report)
        source = catalogue.get("placement_source", Placement.Source.CURATED)
        for key, curation in (catalogue.get("papers") or {}).items():
            if key not in corpus:
                raise CatalogueError(f"{path.name}: {key} is not in {corpus_path.name}")
            listed.add(key)
            loader.load(corpus[key], curation or {}, categories, source)
    if catalogue_paths is None:
        categories = {category.slug: category for category in Category.objects.all()}
        for key, facts in corpus.items():
            if key not in listed and facts.get("category"):
                placements = {spec["slug"]: spec.get("note", "") for spec in facts["category"]}
                loader.load(facts, {"placements": placements}, categories, Placement.Source.CURATED)
    report.baselines_linked = link_baselines()
    placed_by_corpus = {key for key, facts in corpus.items() if catalogue_paths is None and facts.get("category")}
    report.loaded_keys = listed | placed_by_corpus
    return report


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


class _PaperLoader:
    """Creates one paper with its placements, comparison values and evaluation facts; a paper already in the
    database is left as it is (a curator may have edited it)."""

    def __init__(self, terms: TermLookup, gpus: GpuLookup, report: LoadReport):
        self.terms, self.gpus, self.report = terms, gpus, report
        self.seed_positions: dict[str, int] = {}  # category slug -> next position in the seed's order

    def load(self, facts: dict, curation: dict, categories: dict[str, Category], source: str) -> None:
        if Paper.objects.filter(citation_key=facts["key"]).exists():
            self.report.papers_existing += 1
            return
        paper = self._paper(facts, curation)
        self.report.papers_created += 1
        self._placements(paper, facts, curation, categories, source)
        self._values(paper, facts, curation)
        load_evaluation(paper, facts, self.gpus, self.report.facts)
        refine_other(paper)  # the catch-all "other" becomes what the facts just loaded show

    def _paper(self, facts: dict, curation: dict) -> Paper:
        fields, unconfirmed = {}, []
        for name in _METADATA_FIELDS:
            value, confirmed = trailing_unconfirmed(facts.get(name))
            if value in (None, ""):
                continue
            fields[name] = str(value) if name not in ("year",) else value
            if not confirmed:
                unconfirmed.append(name)
        for corpus_name, model_name in _URL_FIELDS.items():
            if facts.get(corpus_name):
                # "https://github.com/x/y (third-party mirror?)": the link, without the corpus's remark.
                link, remark = (facts[corpus_name].split(" (", 1) + [""])[:2]
                value, confirmed = trailing_unconfirmed(link)
                fields[model_name] = value
                if not confirmed or remark.rstrip(")").endswith("?"):
                    unconfirmed.append(model_name)
        if "citations" in curation:
            fields["citation_count"] = curation["citations"]
        if curation.get("version_note"):
            fields["version_note"] = " ".join(curation["version_note"].split())
        if curation.get("curator_notes"):
            fields["curator_notes"] = " ".join(curation["curator_notes"].split())
        fields["sources"] = [" ".join(str(source).split()) for source in facts.get("sources") or []]
        authors = [trailing_unconfirmed(name) for name in facts["authors"]]
        paper = create_paper(
            citation_key=facts["key"],
            fields=fields,
            authors=[parse_name(name) for name, _ in authors],
            source=Source.CORPUS,
        )
        # Doubt is per author: the name loses its "?" and only its authorship is marked.
        doubtful = [position for position, (_, confirmed) in enumerate(authors, start=1) if not confirmed]
        if doubtful:
            paper.authorships.filter(position__in=doubtful).update(confirmed=False)
        if unconfirmed:
            paper.unconfirmed_fields = unconfirmed
            paper.save(update_fields=["unconfirmed_fields"])
        return paper

    def _placements(self, paper: Paper, facts: dict, curation: dict, categories, source: str) -> None:
        pointers = (facts.get("evidence") or {}).get("placement") or ""
        for slug, note in (curation.get("placements") or {}).items():
            # One pointer for the paper's seed placements, or one per category.
            pointer = pointers.get(slug, "") if isinstance(pointers, dict) else pointers
            evidence, confirmed = trailing_unconfirmed(" ".join(str(pointer).split()))
            # "unverified: ..." / "not confirmed ...": the pointer was looked for and not found.
            confirmed = confirmed and not evidence.lower().startswith(("unverified", "not confirmed", "not found"))
            if slug not in categories:
                raise CatalogueError(f"{paper.citation_key}: unknown category {slug!r}")
            seed_position = None
            if source == Placement.Source.SEED:
                seed_position = self.seed_positions.get(slug, 0)
                self.seed_positions[slug] = seed_position + 1
            Placement.objects.create(
                paper=paper,
                category=categories[slug],
                note=" ".join((note or "").split()),
                source=source,
                seed_position=seed_position,
                # The corpus's placement pointer is about the seed list's placements.
                evidence=evidence if source == Placement.Source.SEED else "",
                confirmed=confirmed or source != Placement.Source.SEED,
            )
            self.report.placements_created += 1

    def _values(self, paper: Paper, facts: dict, curation: dict) -> None:
        curated = curation.get("evidence") or {}
        corpus_evidence = facts.get("evidence") or {}
        values, by_term = [], {}
        for corpus_name, dimension_slug in _DIMENSION_FIELDS.items():
            raw_values = facts.get(corpus_name)
            raw_values = raw_values if isinstance(raw_values, list) else [raw_values]
            for position, raw in enumerate(v for v in raw_values if v):
                text, confirmed = trailing_unconfirmed(raw)
                dimension = self.terms.dimensions[dimension_slug]
                term = None
                if dimension.kind == Dimension.Kind.TERMS:
                    term = self.terms.find(dimension_slug, text)
                    if normalize_title(text) in (normalize_title(term.name), normalize_title(term.slug)):
                        text = ""
                evidence = (curated.get(dimension_slug) or {}).get(term.slug if term else "", "")
                if not evidence:
                    evidence = _corpus_evidence(corpus_evidence, corpus_name, raw)
                # The corpus writes "Sec. 7"; the catalogue writes section pointers "§7" throughout.
                text, evidence = normalize_section_pointers(text), normalize_section_pointers(evidence)
                if term is not None and term.pk in by_term:
                    # Two spellings of one term (a term is listed once per paper): one value, both qualifiers.
                    _merge_into(by_term[term.pk], text or raw, evidence, confirmed)
                    continue
                value = DimensionValue(
                    paper=paper,
                    dimension=dimension,
                    term=term,
                    text=text,
                    confirmed=confirmed,
                    evidence=evidence,
                    position=position,
                )
                if term is not None:
                    by_term[term.pk] = value
                values.append(value)
        values.extend(self._curated_terms(paper, curation, by_term, start=len(values)))
        DimensionValue.objects.bulk_create(values)
        self.report.values_created += len(values)

    def _curated_terms(self, paper: Paper, curation: dict, by_term: dict, start: int) -> list[DimensionValue]:
        """Terms a catalogue file adds to the corpus's lists (`terms: {dimension: [{term, evidence}]}`)."""
        added = []
        for dimension_slug, specs in (curation.get("terms") or {}).items():
            dimension = self.terms.dimensions[dimension_slug]
            for offset, spec in enumerate(specs):
                term = self.terms.find(dimension_slug, spec["term"])
                if term.pk in by_term:
                    continue
                by_term[term.pk] = DimensionValue(
                    paper=paper,
                    dimension=dimension,
                    term=term,
                    evidence=normalize_section_pointers(spec.get("evidence", "")),
                    confirmed=spec.get("confirmed", True),
                    position=start + offset,
                )
                added.append(by_term[term.pk])
        return added


def _merge_into(value: DimensionValue, text: str, evidence: str, confirmed: bool) -> None:
    value.text = "; ".join(part for part in (value.text, text) if part)
    if evidence and evidence not in value.evidence:
        value.evidence = "; ".join(part for part in (value.evidence, evidence) if part)
    value.confirmed = value.confirmed and confirmed


def _corpus_evidence(evidence: dict, corpus_name: str, raw: str) -> str:
    """The corpus's pointer for one cell: a string for approach and headline result, a map by the raw
    (lower-cased) term for techniques."""
    pointer = evidence.get(corpus_name)
    if isinstance(pointer, dict):
        pointer = pointer.get(str(raw).lower()) or pointer.get(str(raw))
    return " ".join(str(pointer).split()) if isinstance(pointer, str) else ""
