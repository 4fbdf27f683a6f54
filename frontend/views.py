"""The browser pages: thin views over the same reads the API uses.

Every page works as plain HTML; static/frontend/js/ only makes the search instant and the
comparison selection and BibTeX copy quicker.
"""

from pathlib import Path
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from frontend import selection
from frontend.charts import papers_per_year_chart, techniques_by_category_chart
from frontend.listing import run_search
from frontend.tables import comparison_by_paper, comparison_side_by_side, grouped_values
from papers.exports import bibtex_for_papers
from papers.models import Paper
from papers.search import SearchQueryError
from taxonomy.baselines import UNCOMPARED_RULE, compared_against, compared_by, uncompared_pairs
from taxonomy.compare import MAX_PAPERS, compare_papers, to_csv, to_markdown
from taxonomy.related import related_papers
from taxonomy.selectors import papers_for_detail, papers_for_listing
from taxonomy.services import CategoryNode, category_tree

FAVICON = (Path(__file__).parent / "static" / "frontend" / "favicon.ico").read_bytes()


def _render(request, template: str, context: dict | None = None, status: int = 200):
    context = {"compare_keys": selection.selected_keys(request), **(context or {})}
    return render(request, template, context, status=status)


def _download(text: str, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(text, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def home(request):
    result = run_search(request.GET)
    context = {"search": result, "papers": result.page.object_list, "nav": "search"}
    if request.GET.get("partial"):
        # The search script swaps this fragment in; the full page renders the same template.
        return _render(request, "frontend/_results.html", context)
    return _render(request, "frontend/home.html", context)


@require_safe
def taxonomy(request):
    roots = category_tree()
    context = {
        "nav": "taxonomy",
        "tree": roots,
        "years_chart": papers_per_year_chart(roots),
        "techniques_chart": techniques_by_category_chart(roots),
    }
    return _render(request, "frontend/taxonomy.html", context)


def _path_to(roots: list[CategoryNode], slug: str) -> list[CategoryNode]:
    """The nodes from a root down to the category `slug`, or [] when there is none."""
    for root in roots:
        if root.category.slug == slug:
            return [root]
        below = _path_to(root.children, slug)
        if below:
            return [root, *below]
    return []


@require_safe
def category(request, slug):
    path = _path_to(category_tree(), slug)
    if not path:
        raise Http404(f"No category {slug!r}.")
    node = path[-1]
    subtree = node.category_ids()
    papers = list(papers_for_listing().in_category(node.category).order_by("year", "title")[:MAX_PAPERS])
    for paper in papers:
        paper.notes_here = [p for p in paper.placements.all() if p.category_id in subtree]
    comparison = compare_papers(papers).as_dict()
    keys = ",".join(paper.citation_key for paper in papers)
    pairs, pairs_total = uncompared_pairs(papers)  # reads the baselines compare_papers prefetched
    context = {
        "nav": "taxonomy",
        "node": node,
        "ancestors": path[:-1],
        "papers": papers,
        "truncated": len(papers) == MAX_PAPERS,
        "table": comparison_by_paper(comparison),
        "compare_url": f"{reverse('frontend:compare')}?{urlencode({'papers': keys}, safe=',')}" if papers else "",
        "uncompared": [(pair, _compare_url([pair.earlier.citation_key, pair.later.citation_key])) for pair in pairs],
        "uncompared_total": pairs_total,
        "uncompared_rule": UNCOMPARED_RULE,
    }
    return _render(request, "frontend/category.html", context)


@require_safe
def paper(request, citation_key):
    paper = get_object_or_404(papers_for_detail(), citation_key=citation_key)
    context = {
        "paper": paper,
        "authorships": sorted(paper.authorships.all(), key=lambda authorship: authorship.position),
        "approach": grouped_values(paper.dimension_values.all()),
        "setups": paper.setups.all(),
        "results": paper.results.all(),
        "baselines": compared_against(paper),
        "compared_by": compared_by(paper),
        "models": paper.evaluated_models.all(),
        "related": related_papers(paper),
        "bibtex": bibtex_for_papers([paper]),
        "unconfirmed": set(paper.unconfirmed_fields or []),
    }
    return _render(request, "frontend/paper.html", context)


@require_safe
def paper_bibtex(request, citation_key):
    paper = get_object_or_404(Paper.objects.public().with_authors(), citation_key=citation_key)
    text = bibtex_for_papers([paper])
    return _download(text, filename=f"{paper.citation_key}.bib", content_type="application/x-bibtex")


def _compare_url(keys: list[str]) -> str:
    base = reverse("frontend:compare")
    return f"{base}?{urlencode({'papers': ','.join(keys)}, safe=',')}" if keys else base


def _resolve(text: str) -> Paper | None:
    """A paper named by its citation key, or else the best match of a search for `text`."""
    text = text.strip()
    found = Paper.objects.public().filter(citation_key=text).first()
    if found is None and text:
        try:
            found = Paper.objects.public().search(text).first()
        except SearchQueryError:
            return None
    return found


@require_safe
def compare(request):
    keys = selection.selected_keys(request)
    if "add" in request.GET or "remove" in request.GET:
        # Links and the add form work without JavaScript: change the selection, then show it.
        error = ""
        if request.GET.get("remove"):
            keys = [key for key in keys if key != request.GET["remove"]]
        if request.GET.get("add"):
            found = _resolve(request.GET["add"])
            if found is None:
                error = f"No paper matches “{request.GET['add']}”."
            elif found.citation_key not in keys:
                keys = [*keys, found.citation_key][:MAX_PAPERS]
        if not error:
            response = redirect(_compare_url(keys))
            selection.remember(response, keys)
            return response
        return _compare_page(request, keys, errors=[error])
    if "papers" not in request.GET:
        if keys:
            return redirect(_compare_url(keys))
        return _compare_page(request, [])
    return _compare_page(request, selection.parse_keys(request.GET["papers"]))


def _compare_page(request, keys: list[str], errors: list[str] | None = None):
    errors = list(errors or [])
    found = Paper.objects.public().with_authors().in_bulk(keys, field_name="citation_key") if keys else {}
    unknown = [key for key in keys if key not in found]
    if unknown:
        errors.append(f"Not in the catalogue: {', '.join(unknown)}.")
    papers = [found[key] for key in keys if key in found]
    keys = [paper.citation_key for paper in papers]
    comparison = compare_papers(papers).as_dict()

    export = request.GET.get("format")
    if export and papers:
        if export == "csv":
            return _download(to_csv(comparison), filename="comparison.csv", content_type="text/csv")
        if export == "md":
            return _download(to_markdown(comparison), filename="comparison.md", content_type="text/markdown")
        if export == "bib":
            return _download(bibtex_for_papers(papers), filename="comparison.bib", content_type="application/x-bibtex")

    base = _compare_url(keys)
    sep = "&" if "?" in base else "?"
    context = {
        "nav": "compare",
        "papers": papers,
        "table": comparison_side_by_side(
            comparison, papers, remove_url=lambda key: _compare_url([k for k in keys if k != key])
        ),
        "shared_baselines": comparison["shared_baselines"],
        "errors": errors,
        "exports": [
            ("CSV", f"{base}{sep}format=csv"),
            ("Markdown", f"{base}{sep}format=md"),
            ("BibTeX", f"{base}{sep}format=bib"),
        ]
        if papers
        else [],
        "keys_param": ",".join(keys),
        "compare_keys": keys,
    }
    response = render(request, "frontend/compare.html", context)
    selection.remember(response, keys)
    return response


def favicon(request):
    response = HttpResponse(FAVICON, content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def not_found(request, exception=None):
    """404 outside any view: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return _render(request, "frontend/404.html", {"path": request.path}, status=404)
