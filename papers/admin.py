from django.contrib import admin

from papers.models import Author, Authorship, Paper, Source
from taxonomy.models import DimensionValue, Placement


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["author"]


class PlacementInline(admin.TabularInline):
    model = Placement
    extra = 0
    fields = ["category", "note"]


class DimensionValueInline(admin.TabularInline):
    model = DimensionValue
    extra = 0
    fields = ["dimension", "term", "text", "evidence", "confirmed", "position"]
    autocomplete_fields = ["term"]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["citation_key", "title", "year", "venue_short", "doi", "arxiv_id", "status"]
    list_filter = ["status", "placements__category", "year", "venue_short"]
    search_fields = [
        "title",
        "citation_key",
        "authorships__author__family_name",
        "authorships__author__given_name",
        "doi",
        "arxiv_id",
    ]
    readonly_fields = ["field_sources", "created_at", "updated_at"]
    inlines = [AuthorshipInline, PlacementInline, DimensionValueInline]
    fieldsets = [
        (None, {"fields": ["citation_key", "title", "status", "abstract"]}),
        (
            "Publication",
            {"fields": ["entry_type", "year", "venue", "venue_short", "volume", "number", "pages", "publisher"]},
        ),
        ("Identifiers and links", {"fields": ["doi", "arxiv_id", "arxiv_version", "url", "pdf_url", "code_url"]}),
        ("Curation", {"fields": ["citation_count", "citation_count_as_of", "version_note", "unconfirmed_fields"]}),
        ("Provenance", {"fields": ["field_sources", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Fields a curator touches are theirs: later refreshes from arXiv or BibTeX leave them alone.
        for name in form.changed_data:
            obj.field_sources[name] = Source.CURATOR.value
        super().save_model(request, obj, form, change)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name"]
    search_fields = ["family_name", "given_name"]
