"""The home page's search: the API's filters, facets and highlighting, shaped for templates.

The page and GET /api/papers/ read the same parameters through `taxonomy.listing.PaperFilter`, so a page URL and an
API URL with the same query string list the same papers. Every link on the page (facets, pages,
removing a filter) is built here from the current parameters, so it works without JavaScript.
"""

import html
import re
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.safestring import mark_safe

from frontend.paging import PageLinks
from frontend.search_facets import ActiveFilter, FacetItem, add_facets
from papers.search import SearchQueryError, add_snippets, clean_query, highlight, parse_query
from taxonomy.listing import ORDERINGS, InvalidQuery, PaperFilter
from taxonomy.selectors import papers_for_listing, term_dimensions

PAGE_SIZE = 20
FILTER_PARAMS = tuple(PaperFilter.base_filters)  # the same parameters as GET /api/papers/
ORDERING_LABELS = {
    "relevance": "Best match",
    "-year": "Newest first",
    "year": "Oldest first",
    "-citations": "Most cited",
    "title": "Title A–Z",
}
SNIPPET_CHARS = 240


@dataclass
class SearchPage(PageLinks):
    params: dict[str, str]
    page: Page
    facets: list[tuple[str, str, list[FacetItem]]] = field(default_factory=list)  # (param, heading, items)
    year_facet: list[FacetItem] = field(default_factory=list)
    has_code: FacetItem | None = None
    flags: list[FacetItem] = field(default_factory=list)  # open_source, mixed_gpus
    active: list[ActiveFilter] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    orderings: list[tuple[str, str]] = field(default_factory=list)
    ordering: str = "-year"
    base_url: str = "/"

    @property
    def query(self) -> str:
        return self.params.get("q", "")

    @property
    def total(self) -> int:
        return self.page.paginator.count

    def hidden_except(self, *names: str) -> list[tuple[str, str]]:
        """What a form on the page carries along besides its own fields (a new choice starts at page 1)."""
        return [(k, v) for k, v in self.params.items() if k not in (*names, "page")]

    @property
    def hidden_for_sort(self) -> list[tuple[str, str]]:
        return self.hidden_except("ordering")

    @property
    def hidden_for_years(self) -> list[tuple[str, str]]:
        return self.hidden_except("year_min", "year_max")

    @property
    def hidden_for_gpu_counts(self) -> list[tuple[str, str]]:
        return self.hidden_except("min_gpus", "max_gpus")

    @property
    def hidden_for_search(self) -> list[tuple[str, str]]:
        return self.hidden_except("q")

    @property
    def title(self) -> str:
        return f"{self.query} — Search" if self.query else "Search"

    @property
    def status(self) -> str:
        noun = "paper" if self.total == 1 else "papers"
        return f"{self.total} {noun} found" if self.params else f"{self.total} {noun}"


def run_search(query: dict, *, base_url: str | None = None) -> SearchPage:
    """Filter, count, facet and page the public papers for the page's query parameters."""
    base_url = base_url or reverse("frontend:home")
    dimensions = term_dimensions()
    names = (*FILTER_PARAMS, *dimensions)
    params = {name: query.get(name, "").strip() for name in names}
    params = {name: value for name, value in params.items() if value}
    errors: list[str] = []

    # A bad parameter is reported and dropped, so the page still lists something useful.
    queryset = None
    for _attempt in range(3):
        filterset = PaperFilter(data=params, queryset=papers_for_listing())
        bad = dict(filterset.errors)
        if not bad:
            try:
                queryset = filterset.qs  # the filters run here, so their errors surface here
                break
            except InvalidQuery as exc:
                bad = exc.errors
            except SearchQueryError as exc:
                bad = {"q": [str(exc)]}
        for name, messages in bad.items():
            messages = messages if isinstance(messages, list) else [messages]
            errors.extend(f"{_param_label(name, dimensions)}: {message}" for message in messages)
            params.pop(name, None)
    if queryset is None:  # pragma: no cover - three rounds drop every bad parameter
        queryset = papers_for_listing()

    ordering = params.get("ordering") or "relevance"
    if ordering == "relevance" and not params.get("q"):
        ordering = "-year"  # without a search, relevance means the default order
    page = Paginator(queryset, PAGE_SIZE).get_page(query.get("page"))
    if page.number > 1:
        params["page"] = str(page.number)
    _decorate(page.object_list, params.get("q", ""))

    result = SearchPage(params=params, page=page, errors=errors, ordering=ordering, base_url=base_url)
    result.orderings = [(key, ORDERING_LABELS[key]) for key in ORDERINGS if key != "relevance" or params.get("q")]
    add_facets(result, queryset, dimensions)
    return result


def _param_label(name: str, dimensions: dict) -> str:
    labels = {
        "q": "Search",
        "year_min": "From year",
        "year_max": "To year",
        "has_code": "Has code",
        "gpu": "GPU",
        "min_gpus": "At least GPUs",
        "max_gpus": "At most GPUs",
        "open_source": "Code published",
        "mixed_gpus": "Mixed GPU types",
    }
    if name in dimensions:
        return dimensions[name].name
    return labels.get(name, name.replace("_", " ").capitalize())


def _decorate(papers, query: str) -> None:
    """Give each paper on the page its title and excerpt as safe HTML, with the query's matches marked."""
    papers = list(papers)
    if query:
        add_snippets(papers, query)
    for paper in papers:
        excerpt_source = paper.abstract or paper.version_note
        if query:
            # PostgreSQL annotates escaped headlines; the fallback search leaves that to highlight().
            title = getattr(paper, "title_snippet", None) or _mark_whole(paper.title, query)
            snippet = getattr(paper, "snippet", None) or highlight(excerpt_source or paper.venue, query)
        else:
            title = html.escape(paper.title)
            snippet = highlight(excerpt_source, "", max_chars=SNIPPET_CHARS)
        paper.title_html = mark_safe(title)  # noqa: S308 - escaped by highlight() or by the database
        paper.snippet_html = mark_safe(snippet)  # noqa: S308


def _mark_whole(text: str, query: str) -> str:
    """All of `text`, escaped, with the query's words marked (highlight() cuts long text to an excerpt)."""
    parsed = parse_query(clean_query(query))
    words = sorted({word for term in parsed.terms for word in term.split()}, key=len, reverse=True)
    escaped = html.escape(text)
    if not words:
        return escaped
    pattern = re.compile("|".join(re.escape(html.escape(word)) for word in words), re.IGNORECASE)
    return pattern.sub(lambda match: f"<mark>{match.group(0)}</mark>", escaped)
