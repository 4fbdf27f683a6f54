"""The admin of papers and their authors, with the paper's placements, comparison values and evaluation facts
inline, and the curators' to-do pages (ingestion health, data gaps)."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path

from curation.admin.evaluation import PAPER_EVALUATION_INLINES
from curation.admin.history import FewQueriesInlineMixin, RecordedInlinesMixin
from curation.admin.ingest import ArxivIdsForm, BibtexImportForm, queue_and_show
from papers import tasks
from papers.models import Author, Authorship, Paper, Source
from papers.selectors import ingestion_health
from papers.services import clear_review_flags, refresh_from_arxiv
from taxonomy.gaps import data_gaps
from taxonomy.models import DimensionValue, Placement
from taxonomy.services import delete_paper_with_history


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["author"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class PlacementInline(FewQueriesInlineMixin, admin.TabularInline):
    model = Placement
    extra = 0
    # seed_position is a form field so the form checks it against source (only seed placements have one).
    fields = ["category", "note", "source", "seed_position", "evidence", "confirmed"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("paper", "category")


class DimensionValueInline(FewQueriesInlineMixin, admin.TabularInline):
    model = DimensionValue
    extra = 0
    fields = ["dimension", "term", "text", "evidence", "confirmed", "position"]
    autocomplete_fields = ["term"]
    label_related = {"term": ["dimension"]}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("paper", "dimension", "term__dimension")


# --- papers -------------------------------------------------------------------------------------------------
@admin.register(Paper)
class PaperAdmin(RecordedInlinesMixin, admin.ModelAdmin):
    list_display = ["citation_key", "title", "year", "venue_short", "doi", "arxiv_id", "status", "needs_review"]
    list_filter = ["status", "needs_review", "placements__category", "year", "venue_short"]
    search_fields = [
        "title",
        "citation_key",
        "authorships__author__family_name",
        "authorships__author__given_name",
        "doi",
        "arxiv_id",
    ]
    readonly_fields = ["field_sources", "created_at", "updated_at"]
    inlines = [AuthorshipInline, PlacementInline, DimensionValueInline, *PAPER_EVALUATION_INLINES]
    actions = ["refresh_from_arxiv", "clear_review_flag"]
    change_list_template = "admin/papers/paper/change_list.html"
    fieldsets = [
        (None, {"fields": ["citation_key", "title", "status", "abstract"]}),
        (
            "Publication",
            {
                "fields": [
                    "entry_type",
                    "year",
                    "month",
                    "venue",
                    "venue_short",
                    "volume",
                    "number",
                    "pages",
                    "publisher",
                ]
            },
        ),
        ("Identifiers and links", {"fields": ["doi", "arxiv_id", "arxiv_version", "url", "pdf_url", "code_url"]}),
        (
            "arXiv",
            {
                "fields": [
                    "arxiv_title",
                    "arxiv_primary_category",
                    "arxiv_categories",
                    "journal_ref",
                    "arxiv_comment",
                    "arxiv_published",
                    "arxiv_updated",
                ],
                "classes": ["collapse"],
            },
        ),
        ("Review", {"fields": ["needs_review", "review_reason"]}),
        ("Curation", {"fields": ["citation_count", "citation_count_as_of", "version_note", "unconfirmed_fields"]}),
        ("Provenance", {"fields": ["field_sources", "created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Fields a curator touches are theirs: later refreshes from arXiv or BibTeX leave them alone.
        for name in form.changed_data:
            obj.field_sources[name] = Source.CURATOR.value
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        delete_paper_with_history(user=request.user, paper=obj)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action: each paper as one delete, so the history shows what each took.
        for paper in queryset:
            delete_paper_with_history(user=request.user, paper=paper)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # An edited author list is the curator's too.
        if any(formset.model is Authorship and formset.has_changed() for formset in formsets):
            paper = form.instance
            paper.field_sources["authors"] = Source.CURATOR.value
            paper.save(update_fields=["field_sources"])

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import-bibtex/", view(self.import_bibtex_view), name="papers_import_bibtex"),
            path("add-arxiv/", view(self.add_arxiv_view), name="papers_add_arxiv"),
            path("ingestion-health/", view(self.health_view), name="papers_ingestion_health"),
            path("data-gaps/", view(self.data_gaps_view), name="papers_data_gaps"),
            *super().get_urls(),
        ]

    def _page(self, request, template, title, **context):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **context}
        return TemplateResponse(request, template, context)

    def import_bibtex_view(self, request):
        form = BibtexImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data.get("file")
            name = upload.name if upload else ""
            return queue_and_show(
                request, tasks.queue_bibtex_import, form.cleaned_data["text"], input_name=name, user=request.user
            )
        return self._page(request, "admin/papers/import_bibtex.html", "Import BibTeX", form=form)

    def add_arxiv_view(self, request):
        form = ArxivIdsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return queue_and_show(request, tasks.queue_arxiv_fetch, form.cleaned_data["ids"], user=request.user)
        return self._page(request, "admin/papers/add_arxiv.html", "Add papers by arXiv id", form=form)

    def health_view(self, request):
        return self._page(request, "admin/papers/ingestion_health.html", "Ingestion health", **ingestion_health())

    def data_gaps_view(self, request):
        return self._page(request, "admin/papers/data_gaps.html", "Data gaps", gaps=data_gaps())

    @admin.action(description="Refresh from arXiv")
    def refresh_from_arxiv(self, request, queryset):
        ids = refresh_from_arxiv(queryset)
        skipped = queryset.count() - len(ids)
        if skipped:
            self.message_user(request, f"{skipped} selected papers have no arXiv id; skipped.", messages.WARNING)
        if ids:
            return queue_and_show(request, tasks.queue_arxiv_fetch, ids, user=request.user)
        return None

    @admin.action(description="Clear the review flag")
    def clear_review_flag(self, request, queryset):
        self.message_user(request, f"Cleared {clear_review_flags(queryset)} review flags.")


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name"]
    search_fields = ["family_name", "given_name"]
