"""The paper list's query: the parameters of GET /api/papers/, the search page and the exports, read into a
QuerySet. One FilterSet, so a page URL and an API URL with the same query string list the same papers."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q

from lib.params import parse_bool
from papers.models import Authorship, Paper
from papers.search import SearchQueryError
from taxonomy.clusters import largest_real_gpus, of_vendors, on_gpus, with_mixed_gpus
from taxonomy.models import Baseline, Category, Result
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


MAX_GPU_COUNT = 1_000_000


class GpuCountFilter(django_filters.NumberFilter):
    """A whole number of GPUs, 1..MAX_GPU_COUNT, compared with the paper's largest real setup."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, method="filter_gpu_count", min_value=1, max_value=MAX_GPU_COUNT, **kwargs)


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
    gpu = django_filters.CharFilter(
        method="filter_gpu",
        help_text="GPU type(s) of an evaluation setup, comma-separated: any of. A model without a memory size "
        "(A100) includes its variants (A100-40GB, A100-80GB); aliases such as Tesla V100 work.",
    )
    vendor = django_filters.CharFilter(
        method="filter_vendor", help_text="GPU vendor(s) of an evaluation setup, comma-separated: nvidia, amd, google."
    )
    min_gpus = GpuCountFilter(help_text="At least this many GPUs in the largest real (not simulated) setup.")
    max_gpus = GpuCountFilter(help_text="At most this many GPUs in the largest real (not simulated) setup.")
    baseline = django_filters.CharFilter(
        method="filter_baseline",
        help_text="Compared against this system: part of a baseline's name, or a catalogue paper's citation key.",
    )
    open_source = django_filters.CharFilter(
        method="filter_open_source", help_text="The authors published code (true) or said they did not (false)."
    )
    mixed_gpus = django_filters.CharFilter(
        method="filter_mixed_gpus", help_text="An evaluation setup mixes GPU types (true), or none does (false)."
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering",
        choices=[(key, key) for key in ORDERINGS],
        help_text="relevance (default with q), -year (default), year, -citations, title.",
    )

    class Meta:
        model = Paper
        fields = [
            "q",
            "category",
            "year_min",
            "year_max",
            "author",
            "venue",
            "has_code",
            "gpu",
            "vendor",
            "min_gpus",
            "max_gpus",
            "baseline",
            "open_source",
            "mixed_gpus",
            "ordering",
        ]

    def filter_queryset(self, queryset):
        # Every filter narrows the set first; the search runs last, over what is left, so that its
        # ranked top matches are taken from the filtered papers; the ordering comes after it.
        data = self.form.cleaned_data
        for name, value in data.items():
            if name not in ("q", "ordering") and value not in (None, ""):
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

    def filter_gpu(self, queryset, name, value):
        return queryset.filter(self._condition(name, on_gpus, value))

    def filter_vendor(self, queryset, name, value):
        return queryset.filter(self._condition(name, of_vendors, value))

    @staticmethod
    def _condition(name: str, build, value: str):
        try:
            return build(value)
        except ValueError as exc:
            raise InvalidQuery({name: [str(exc)]}) from exc

    def filter_gpu_count(self, queryset, name, value):
        lookup = "gte" if name == "min_gpus" else "lte"
        return queryset.alias(largest_gpus=largest_real_gpus()).filter(**{f"largest_gpus__{lookup}": value})

    def filter_baseline(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        named = Baseline.objects.filter(
            Q(name__icontains=value) | Q(baseline_paper__citation_key=value), paper=OuterRef("pk")
        )
        measured = Result.objects.filter(baseline_paper__citation_key=value, paper=OuterRef("pk"))
        return queryset.filter(Exists(named) | Exists(measured))

    def filter_open_source(self, queryset, name, value):
        return queryset.filter(evaluation__open_source=self._flag(name, value))

    def filter_mixed_gpus(self, queryset, name, value):
        mixed = with_mixed_gpus()
        return queryset.filter(mixed) if self._flag(name, value) else queryset.exclude(mixed)

    @staticmethod
    def _flag(name: str, value: str) -> bool:
        flag = parse_bool(value)
        if flag is None:
            raise InvalidQuery({name: [f"Must be true or false, not {value!r}."]})
        return flag
