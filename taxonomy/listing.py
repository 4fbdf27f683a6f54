"""The paper list's query: the parameters of GET /api/papers/, the search page and the exports, read into a
QuerySet. One FilterSet, so a page URL and an API URL with the same query string list the same papers."""

import django_filters
from django.db.models import Exists, F, OuterRef, Q

from lib.params import parse_bool
from papers.models import Authorship, Paper
from papers.search import SearchQueryError
from taxonomy.models import Category
from taxonomy.selectors import filter_by_terms, resolve_terms, term_dimensions


class InvalidQuery(ValueError):
    """A parameter no paper list can honour (an unknown category or term, a search that cannot parse);
    `errors` maps each parameter to its messages, as form errors do."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))
        self.errors = errors


ORDERINGS = {
    "relevance": None,  # the search's own order; the default when q is given
    "-year": ["-year", "title"],
    "year": ["year", "title"],
    "-citations": [F("citation_count").desc(nulls_last=True), "title"],
    "title": ["title"],
}


class PaperFilter(django_filters.FilterSet):
    """Filters of the paper list (GET /api/papers/, the search page, the exports).

    Every terms dimension is a parameter too (`technique=ilp`, `workload=inference,both`: any of).
    Invalid values are form errors (`.errors`) or, once the filters run (`.qs`), an InvalidQuery.
    """

    q = django_filters.CharFilter(method="filter_q", help_text='Search: words, "phrases", -word, or.')
    category = django_filters.CharFilter(method="filter_category", help_text="Category slug (sub-categories included).")
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte")
    author = django_filters.CharFilter(method="filter_author", help_text="Part of an author's name.")
    venue = django_filters.CharFilter(method="filter_venue", help_text="Part of the venue, full or short.")
    has_code = django_filters.CharFilter(
        method="filter_has_code", help_text="Only papers with code (true, 1, yes) or without (false, 0, no)."
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering",
        choices=[(key, key) for key in ORDERINGS],
        help_text="relevance (default with q), -year (default), year, -citations, title.",
    )

    class Meta:
        model = Paper
        fields = ["q", "category", "year_min", "year_max", "author", "venue", "has_code", "ordering"]

    def filter_queryset(self, queryset):
        # Every filter narrows the set first; the search runs last, over what is left, so that its
        # ranked top matches are taken from the filtered papers; the ordering comes after it.
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in ("q", "ordering"):
                queryset = self.filters[name].filter(queryset, value)
        queryset = self.filter_terms(queryset)
        if data.get("q"):
            queryset = self.filter_q(queryset, "q", data["q"])
        if data.get("ordering"):
            queryset = self.filter_ordering(queryset, "ordering", data["ordering"])
        return queryset

    def filter_terms(self, queryset):
        for name, dimension in term_dimensions().items():
            raw = self.data.get(name)
            if not raw:
                continue
            ids, unknown = resolve_terms(dimension, [slug.strip() for slug in raw.split(",") if slug.strip()])
            if unknown:
                raise InvalidQuery({name: [f"Unknown {name} term(s): {', '.join(unknown)}."]})
            if ids:
                queryset = filter_by_terms(queryset, ids)
        return queryset

    def filter_q(self, queryset, name, value):
        try:
            return queryset.search(value)
        except SearchQueryError as exc:
            raise InvalidQuery({"q": [str(exc)]}) from exc

    def filter_category(self, queryset, name, value):
        category = Category.objects.filter(slug=value).first()
        if category is None:
            raise InvalidQuery({"category": [f"Unknown category {value!r}."]})
        return queryset.in_category(category)

    def filter_author(self, queryset, name, value):
        words = value.split()
        if not words:
            return queryset
        # Every word must appear in the same author's name ("Jay Park", "park").
        matches_name = Q()
        for word in words:
            matches_name &= Q(author__family_name__icontains=word) | Q(author__given_name__icontains=word)
        return queryset.filter(Exists(Authorship.objects.filter(matches_name, paper=OuterRef("pk"))))

    def filter_venue(self, queryset, name, value):
        return queryset.filter(Q(venue__icontains=value) | Q(venue_short__icontains=value))

    def filter_has_code(self, queryset, name, value):
        with_code = parse_bool(value)
        if with_code is None:
            raise InvalidQuery({"has_code": [f"Must be true or false, not {value!r}."]})
        return queryset.exclude(code_url="") if with_code else queryset.filter(code_url="")

    def filter_ordering(self, queryset, name, value):
        return queryset if ORDERINGS[value] is None else queryset.order_by(*ORDERINGS[value])
