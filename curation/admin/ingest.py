"""The admin's ingestion pages: import BibTeX, add by arXiv id, the candidate inbox, runs and saved queries."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from papers import tasks
from papers.identifiers import arxiv_id_errors
from papers.models import ArxivQuery, CandidatePaper, IngestRun
from papers.services import reject_candidates
from papers.uploads import UploadRejected, read_bibtex_upload
from taxonomy.models import Category
from taxonomy.services import accept_candidates_into


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


def queue_and_show(request, queue, *args, **kwargs):
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
            data = form.cleaned_data
            accepted = accept_candidates_into(
                queryset, categories=data["categories"], note=data["note"], user=request.user
            )
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
        self.message_user(request, f"Rejected {reject_candidates(queryset)} papers.")


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
        return queue_and_show(request, tasks.queue_arxiv_watch, user=request.user)
