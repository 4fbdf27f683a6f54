"""Data-quality checks over the public catalogue: what a curator should fix before publishing.

`check_catalogue()` reads everything it needs in a fixed number of queries (no per-paper
queries), so it stays cheap however large the catalogue grows.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from papers.identifiers import InvalidIdentifier, normalize_doi, normalize_title, parse_arxiv_id
from papers.models import Authorship, Paper
from taxonomy.models import DimensionValue, Placement, Term
from taxonomy.services import CategoryNode, category_tree

# The one form of a section pointer: "§3", "§4.2.2".
# Spellings to flag: "Sec. 3", "sec 3", "Sect. 3", "section 3", "Sections 3.1", "§ 3".
_LOOSE_POINTER = re.compile(r"\b(?:sections?|sects?|secs?)\b\.?\s*(\d+(?:\.\d+)*)|§\s+(\d+(?:\.\d+)*)", re.IGNORECASE)
# Words quoted from a source ('the list writes "section 3.31"') are left as they were written.
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')

SUMMARY_DIMENSIONS = ("workload", "technique")


def loose_section_pointers(text: str) -> list[str]:
    """Section pointers in `text` not written "§N.N", outside quotations."""
    unquoted = _QUOTED.sub(" ", text or "")
    return [match.group(0).strip() for match in _LOOSE_POINTER.finditer(unquoted)]


def normalize_section_pointers(text: str) -> str:
    """Rewrite "Sec. 7" and friends as "§7", leaving quotations alone."""

    def fix(segment: str) -> str:
        return _LOOSE_POINTER.sub(lambda m: f"§{m.group(1) or m.group(2)}", segment)

    pieces, last = [], 0
    for quoted in _QUOTED.finditer(text or ""):
        pieces += [fix(text[last : quoted.start()]), quoted.group(0)]
        last = quoted.end()
    return "".join([*pieces, fix((text or "")[last:])])


@dataclass
class CheckReport:
    papers: int = 0
    # (depth, slug, name, papers in the subtree), in tree order.
    per_category: list[tuple[int, str, str, int]] = field(default_factory=list)
    # dimension slug -> {term slug: number of papers}; every term listed, used or not.
    per_term: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_catalogue() -> CheckReport:
    """Counts and data-quality problems of the public papers and their placements and values."""
    report = CheckReport()
    papers = list(
        Paper.objects.public()
        .order_by("citation_key")
        .values("pk", "citation_key", "title", "year", "venue", "venue_short", "doi", "arxiv_id", "url", "pdf_url")
    )
    public_ids = Paper.objects.public().values("pk")
    with_authors = set(Authorship.objects.filter(paper__in=public_ids).values_list("paper_id", flat=True).distinct())
    placements = list(
        Placement.objects.filter(paper__in=public_ids).values_list("paper_id", "category__slug", "note").order_by("pk")
    )
    values = list(
        DimensionValue.objects.filter(paper__in=public_ids)
        .values_list("paper_id", "dimension__slug", "term__slug", "text", "evidence")
        .order_by("paper_id", "dimension__sort_order", "position", "pk")
    )
    key_of = {paper["pk"]: paper["citation_key"] for paper in papers}

    report.papers = len(papers)
    report.per_category = _flatten(category_tree())
    report.per_term = _count_terms(values)

    placed = {paper_id for paper_id, _, _ in placements}
    dimensions_of = defaultdict(set)
    for paper_id, dimension, *_ in values:
        dimensions_of[paper_id].add(dimension)
    for paper in papers:
        report.problems += [
            f"{paper['citation_key']}: {problem}"
            for problem in _paper_problems(paper, paper["pk"] in with_authors, paper["pk"] in placed)
        ]
        report.problems += [
            f"{paper['citation_key']}: no {dimension} value"
            for dimension in SUMMARY_DIMENSIONS
            if dimension not in dimensions_of[paper["pk"]]
        ]
    report.problems += _duplicates(papers)
    for paper_id, category, note in placements:
        for pointer in loose_section_pointers(note):
            report.problems.append(f"{key_of[paper_id]}: note in {category}: write {pointer!r} as §N.N")
    for paper_id, dimension, _, text, evidence in values:
        for what, content in (("value", text), ("evidence", evidence)):
            for pointer in loose_section_pointers(content):
                report.problems.append(f"{key_of[paper_id]}: {dimension} {what}: write {pointer!r} as §N.N")
    return report


def _paper_problems(paper: dict, has_authors: bool, has_placement: bool) -> list[str]:
    problems = []
    if not (paper["title"] or "").strip():
        problems.append("no title")
    if not has_authors:
        problems.append("no authors")
    if paper["year"] is None:
        problems.append("no year")
    if not (paper["venue"] or paper["venue_short"] or paper["arxiv_id"]):
        problems.append("neither a venue nor an arXiv id")
    if not (paper["doi"] or paper["arxiv_id"] or paper["url"] or paper["pdf_url"]):
        problems.append("no DOI, arXiv id or URL")
    if not has_placement:
        problems.append("in no category")
    return problems


def _duplicates(papers: list[dict]) -> list[str]:
    """Papers sharing a citation key (ignoring case), a DOI, an arXiv id or a normalised title."""
    keys = {
        "citation key": lambda p: p["citation_key"].lower(),
        "DOI": lambda p: _comparable(normalize_doi, p["doi"]),
        "arXiv id": lambda p: _comparable(lambda raw: parse_arxiv_id(raw)[0], p["arxiv_id"]),
        "title": lambda p: normalize_title(p["title"]),
    }
    problems = []
    for what, key in keys.items():
        holders = defaultdict(list)
        for paper in papers:
            if value := key(paper):
                holders[value].append(paper["citation_key"])
        problems += [
            f"{', '.join(sorted(shared))} share the {what} {value!r}"
            for value, shared in holders.items()
            if len(shared) > 1
        ]
    return problems


def _comparable(normalize, raw: str | None) -> str | None:
    """The normalised identifier in lower case, or the raw text when it does not parse."""
    if not raw:
        return None
    try:
        value = normalize(raw)
    except InvalidIdentifier:
        value = raw.strip()
    return value.lower() if value else None


def _count_terms(values) -> dict[str, dict[str, int]]:
    counts = {dimension: Counter() for dimension in SUMMARY_DIMENSIONS}
    for _, dimension, term, *_ in values:
        if dimension in counts and term:
            counts[dimension][term] += 1  # a term is held once per paper (constraint)
    terms = Term.objects.filter(dimension__slug__in=SUMMARY_DIMENSIONS).values_list("dimension__slug", "slug")
    per_term = {dimension: {} for dimension in SUMMARY_DIMENSIONS}
    for dimension, slug in terms.order_by("dimension__sort_order", "name"):
        per_term[dimension][slug] = counts[dimension][slug]
    return per_term


def _flatten(nodes: list[CategoryNode], depth: int = 0) -> list[tuple[int, str, str, int]]:
    rows = []
    for node in nodes:
        rows.append((depth, node.category.slug, node.category.name, node.paper_count))
        rows += _flatten(node.children, depth + 1)
    return rows
