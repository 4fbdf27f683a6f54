import django_filters
from django.db.models import Exists, OuterRef, Q
from rest_framework.exceptions import ValidationError

from papers.models import Authorship, Paper
from taxonomy.models import Category


class PaperFilter(django_filters.FilterSet):
    """List filters of GET /api/papers/; invalid values answer 400 with the field's message."""

    category = django_filters.CharFilter(method="filter_category", help_text="Category slug (sub-categories included).")
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte")
    author = django_filters.CharFilter(method="filter_author", help_text="Part of an author's name.")
    venue = django_filters.CharFilter(method="filter_venue", help_text="Part of the venue, full or short.")

    class Meta:
        model = Paper
        fields = ["category", "year_min", "year_max", "author", "venue"]

    def filter_category(self, queryset, name, value):
        category = Category.objects.filter(slug=value).first()
        if category is None:
            raise ValidationError({"category": [f"Unknown category {value!r}."]})
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
