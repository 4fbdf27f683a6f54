import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from papers import ingestion, tasks
from papers.identifiers import arxiv_id_errors
from papers.models import ArxivQuery, Author, Authorship, CandidatePaper, IngestRun, Paper, Source
from papers.uploads import UploadRejected, read_bibtex_upload
from taxonomy.models import Category, DimensionValue, Placement
from taxonomy.services import delete_with_history, save_with_history


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


# --- forms of the ingestion pages ---------------------------------------------------------------------------
class BibtexImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="A .bib file.")
    text = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 16, "cols": 100}), help_text="Or paste it."
    )

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text")
        if bool(upload) == bool(text):
            raise forms.ValidationError("Upload a .bib file or paste BibTeX text (one of the two).")
        try:
            data["text"] = read_bibtex_upload(upload=upload, text=text)
        except UploadRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class ArxivIdsForm(forms.Form):
    ids = forms.CharField(
        label="arXiv ids",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text="One or more, separated by spaces, commas or lines: 2005.14038, arXiv:2005.14038v2, "
        "https://arxiv.org/abs/2005.14038, cs/0112017.",
    )

    def clean_ids(self):
        ids = [part for part in re.split(r"[\s,;]+", self.cleaned_data["ids"]) if part]
        if errors := arxiv_id_errors(ids):
            raise forms.ValidationError(errors)
        return ids


class AcceptForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.tree_order(), widget=FilteredSelectMultiple("categories", is_stacked=False)
    )
    note = forms.CharField(required=False, help_text="Why they belong there (optional; the same for each).")


# --- papers -------------------------------------------------------------------------------------------------
@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
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
    inlines = [AuthorshipInline, PlacementInline, DimensionValueInline]
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

    def save_formset(self, request, form, formset, change):
        if formset.model not in (Placement, DimensionValue):
            return super().save_formset(request, form, formset, change)
        # Placements and comparison values go through the recorded writes: /api/changes/ shows them.
        instances = formset.save(commit=False)
        for instance in formset.deleted_objects:
            delete_with_history(user=request.user, instance=instance)
        for instance in instances:
            save_with_history(user=request.user, instance=instance)

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
            return _queue(
                request, tasks.queue_bibtex_import, form.cleaned_data["text"], input_name=name, user=request.user
            )
        return self._page(request, "admin/papers/import_bibtex.html", "Import BibTeX", form=form)

    def add_arxiv_view(self, request):
        form = ArxivIdsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return _queue(request, tasks.queue_arxiv_fetch, form.cleaned_data["ids"], user=request.user)
        return self._page(request, "admin/papers/add_arxiv.html", "Add papers by arXiv id", form=form)

    def health_view(self, request):
        return self._page(
            request, "admin/papers/ingestion_health.html", "Ingestion health", **ingestion.ingestion_health()
        )

    @admin.action(description="Refresh from arXiv")
    def refresh_from_arxiv(self, request, queryset):
        ids = ingestion.refresh_from_arxiv(queryset)
        skipped = queryset.count() - len(ids)
        if skipped:
            self.message_user(request, f"{skipped} selected papers have no arXiv id; skipped.", messages.WARNING)
        if ids:
            return _queue(request, tasks.queue_arxiv_fetch, ids, user=request.user)
        return None

    @admin.action(description="Clear the review flag")
    def clear_review_flag(self, request, queryset):
        self.message_user(request, f"Cleared {ingestion.clear_review_flags(queryset)} review flags.")


def _queue(request, queue, *args, **kwargs):
    """Queue a run and show it; when the broker is away the run waits for it, and the page says so."""
    return _to_run(request, queue(*args, **kwargs))


def _to_run(request, run: IngestRun):
    """After queueing: the run's page, which shows its state and every entry's outcome."""
    run.refresh_from_db()
    if run.state == IngestRun.State.FAILED:
        level = messages.ERROR
    elif run.waiting_for_queue:
        level = messages.WARNING
    else:
        level = messages.SUCCESS
    messages.add_message(request, level, f"{run}: {_summary(run)}")
    return HttpResponseRedirect(reverse("admin:papers_ingestrun_change", args=[run.pk]))


def _summary(run: IngestRun) -> str:
    if run.waiting_for_queue:
        return "the task queue is unavailable; the run is saved and starts as soon as the queue is back."
    if run.state == IngestRun.State.QUEUED:
        return "queued; this page shows the outcomes when it is done."
    if run.state == IngestRun.State.FAILED:
        return run.error
    return ", ".join(f"{count} {outcome}" for outcome, count in run.counts.items() if count) or "nothing to do"


@admin.register(CandidatePaper)
class CandidateInboxAdmin(admin.ModelAdmin):
    """Papers the arXiv watch found: accept them into categories (public) or reject them (never proposed again)."""

    list_display = ["title", "authors", "arxiv_link", "arxiv_primary_category", "arxiv_published"]
    list_filter = ["arxiv_primary_category"]
    search_fields = ["title", "abstract", "arxiv_id", "authorships__author__family_name"]
    ordering = ["-arxiv_published", "title"]
    actions = ["accept", "reject"]
    fields = [
        "title",
        "abstract",
        "arxiv_id",
        "arxiv_version",
        "arxiv_primary_category",
        "arxiv_categories",
        "arxiv_comment",
        "journal_ref",
        "doi",
        "year",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).candidates().with_authors()

    def has_add_permission(self, request):
        return False

    @admin.display(description="authors")
    def authors(self, paper):
        names = [author.name for author in paper.ordered_authors]
        return ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")

    @admin.display(description="arXiv", ordering="arxiv_id")
    def arxiv_link(self, paper):
        return format_html('<a href="{}">{}</a>', paper.arxiv_url, paper.arxiv_id)

    @admin.action(description="Accept into categories…")
    def accept(self, request, queryset):
        form = AcceptForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            with transaction.atomic():
                papers = list(queryset)
                placed = set(Placement.objects.filter(paper__in=papers).values_list("paper_id", "category_id"))
                for paper in papers:
                    for category in form.cleaned_data["categories"]:
                        if (paper.pk, category.pk) not in placed:
                            placement = Placement(paper=paper, category=category, note=form.cleaned_data["note"])
                            save_with_history(user=request.user, instance=placement)  # recorded as a change
                accepted = ingestion.accept_candidates(Paper.objects.filter(pk__in=[p.pk for p in papers]))
            names = ", ".join(c.name for c in form.cleaned_data["categories"])
            self.message_user(request, f"Accepted {accepted} papers into {names}.")
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Accept candidates into categories",
            "form": form,
            "papers": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/papers/accept_candidates.html", context)

    @admin.action(description="Reject (the watch never proposes them again)")
    def reject(self, request, queryset):
        self.message_user(request, f"Rejected {ingestion.reject_candidates(queryset)} papers.")


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "state", "created_at", "finished_at", "outcomes", "requested_by"]
    list_filter = ["kind", "state"]
    search_fields = ["input_name", "error"]
    date_hierarchy = "created_at"
    list_select_related = ["requested_by"]
    fields = [
        "kind",
        "state",
        "input_name",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "attempts",
        "waiting_for_queue",
        "enqueued_at",
        "next_attempt_at",
        "requests_made",
        "outcomes",
        "error",
        "entries",
        "input_excerpt",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="waiting for the task queue", boolean=True)
    def waiting_for_queue(self, run):
        return run.waiting_for_queue

    @admin.display(description="outcomes")
    def outcomes(self, run):
        return ", ".join(f"{count} {outcome}" for outcome, count in run.counts.items() if count) or "—"

    @admin.display(description="entries")
    def entries(self, run):
        if not run.messages:
            return "—"
        rows = format_html_join(
            "",
            '<tr class="outcome-{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (m["outcome"], m.get("line", ""), m["entry"], m["outcome"], self._paper_link(m["paper"]), m["message"])
                for m in run.messages
            ),
        )
        return format_html(
            '<table id="run-entries"><thead><tr><th>line</th><th>entry</th><th>outcome</th><th>paper</th>'
            "<th>message</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def _paper_link(self, citation_key):
        if not citation_key:
            return ""
        url = reverse("admin:papers_paper_changelist") + f"?q={citation_key}"
        return format_html('<a href="{}">{}</a>', url, citation_key)

    @admin.display(description="input")
    def input_excerpt(self, run):
        text = run.input or ""
        return text[:2000] + (f"\n… ({len(text):,} characters in all)" if len(text) > 2000 else "")


@admin.register(ArxivQuery)
class ArxivQueryAdmin(admin.ModelAdmin):
    list_display = ["name", "query", "is_active", "max_results", "last_run_at", "last_run_new"]
    list_filter = ["is_active"]
    search_fields = ["name", "query"]
    readonly_fields = ["created_at", "last_run_at", "last_run_new"]
    actions = ["run_watch_now"]

    @admin.action(description="Run the watch now (all active queries)")
    def run_watch_now(self, request, queryset):
        return _queue(request, tasks.queue_arxiv_watch, user=request.user)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["family_name", "given_name"]
    search_fields = ["family_name", "given_name"]


# --- users, groups and API tokens: superusers only -------------------------------------------------------------
class SuperusersOnly:
    """Whatever model permissions a staff account was given, only superusers see or change these."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


for model, model_admin in [(get_user_model(), UserAdmin), (Group, GroupAdmin), (TokenProxy, TokenAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (SuperusersOnly, model_admin), {}))
