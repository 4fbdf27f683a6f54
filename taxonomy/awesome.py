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


def citation_line(paper: Paper, note: str) -> str:
    authors = paper.ordered_authors
    who = authors[0].bibtex_name + (", et al." if len(authors) > 1 else "") if authors else ""
    link = paper.url or paper.doi_url or paper.arxiv_url
    title = f"[{paper.title}]({link})" if link else paper.title
    venue = paper.venue_short or paper.venue or (f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else "")
    parts = [f"{who} {title}." if who else f"{title}.", f"{venue}." if venue else ""]
    if paper.citation_count is not None:
        as_of = f" as of {paper.citation_count_as_of:%Y-%m-%d}" if paper.citation_count_as_of else ""
        parts.append(f"({paper.citation_count} citations{as_of})")
    line = "- " + " ".join(p for p in parts if p)
    return f"{line}\n  - {note}" if note else line


def awesome_markdown() -> str:
    placements = Placement.objects.select_related("category").order_by("paper__year", "paper__title")
    papers = (
        Paper.objects.public()
        .with_authors()
        .prefetch_related(Prefetch("placements", queryset=placements))
        .order_by("year", "title")
    )
    by_category: dict[int, list[tuple[Paper, str]]] = {}
    unsorted = []
    for paper in papers:
        if not paper.placements.all():
            unsorted.append(paper)
        for placement in paper.placements.all():
            by_category.setdefault(placement.category_id, []).append((paper, placement.note))

    lines = [f"# {TITLE}", "", INTRO, ""]

    def section(node: CategoryNode, depth: int):
        lines.extend([f"{'#' * depth} {node.category.name}", ""])
        if node.category.description:
            lines.extend([node.category.description, ""])
        if node.category.problem:
            lines.extend([f"**Problem:** {node.category.problem}", ""])
        entries = by_category.get(node.category.pk, [])
        lines.extend(citation_line(paper, note) for paper, note in entries)
        if entries:
            lines.append("")
        for child in node.children:
            section(child, min(depth + 1, 6))

    for root in category_tree():
        section(root, 2)
    if unsorted:
        lines.extend(["## Unsorted", "", "Added by curators, not yet placed in a category.", ""])
        lines.extend(citation_line(paper, "") for paper in unsorted)
        lines.append("")
    return "\n".join(lines)
