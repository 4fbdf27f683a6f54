"""The public awesome list as Markdown, regenerated from the database."""

from django.db.models import Prefetch

from papers.models import Paper
from taxonomy.models import Placement
from taxonomy.services import CategoryNode, category_tree

TITLE = "Awesome ML training and inference on heterogeneous GPU clusters"
INTRO = (
    "Papers on training and serving ML models on clusters that mix GPU types or generations, or links of very "
    "different speed, sorted by the problem they solve. Generated from the HeteroGPU Papers catalogue."
)


def citation_line(paper: Paper, note: str, *, addition: bool = False) -> str:
    authors = paper.ordered_authors
    who = authors[0].bibtex_name + (", et al." if len(authors) > 1 else "") if authors else ""
    link = paper.url or paper.doi_url or paper.arxiv_url
    title = f"[{paper.title}]({link})" if link else paper.title
    venue = paper.venue_short or paper.venue or (f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else "")
    parts = [f"{who} {title}." if who else f"{title}.", f"{venue}." if venue else ""]
    if paper.citation_count is not None:
        as_of = f" as of {paper.citation_count_as_of:%Y-%m-%d}" if paper.citation_count_as_of else ""
        parts.append(f"({paper.citation_count} citations{as_of})")
    if addition:
        parts.append("*(added by curators; not in the seed list)*")
    line = "- " + " ".join(p for p in parts if p)
    return f"{line}\n  - {note}" if note else line


def awesome_markdown(*, source: str | None = None) -> str:
    """The list, by category: the seed list's placements first in its own order, then curated additions
    (marked as such) by year and title. `source="seed"` gives the seed list alone."""
    placements = Placement.objects.select_related("category")
    if source is not None:
        placements = placements.filter(source=source)
    papers = Paper.objects.public().with_authors().prefetch_related(Prefetch("placements", queryset=placements))
    if source is not None:
        papers = papers.filter(placements__source=source).distinct()
    by_category: dict[int, list[tuple[Placement, Paper]]] = {}
    unsorted = []
    for paper in papers.order_by("year", "title"):
        if not paper.placements.all():
            unsorted.append(paper)
        for placement in paper.placements.all():
            by_category.setdefault(placement.category_id, []).append((placement, paper))
    for entries in by_category.values():
        entries.sort(key=lambda entry: _seed_order(entry[0]))  # stable: year and title within each part

    lines = [f"# {TITLE}", "", INTRO, ""]

    def section(node: CategoryNode, depth: int):
        lines.extend([f"{'#' * depth} {node.category.name}", ""])
        if node.category.description:
            lines.extend([node.category.description, ""])
        if node.category.problem:
            lines.extend([f"**Problem:** {node.category.problem}", ""])
        entries = by_category.get(node.category.pk, [])
        lines.extend(
            citation_line(paper, placement.note, addition=source is None and placement.source != Placement.Source.SEED)
            for placement, paper in entries
        )
        if entries:
            lines.append("")
        for child in node.children:
            section(child, min(depth + 1, 6))

    for root in category_tree(source=source):
        section(root, 2)
    if unsorted:
        lines.extend(["## Unsorted", "", "Added by curators, not yet placed in a category.", ""])
        lines.extend(citation_line(paper, "") for paper in unsorted)
        lines.append("")
    return "\n".join(lines)


def _seed_order(placement: Placement) -> tuple[int, int]:
    seed = placement.source == Placement.Source.SEED
    return (0, placement.seed_position or 0) if seed else (1, 0)
