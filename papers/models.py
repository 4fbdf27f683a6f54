"""The bibliographic core: papers, authors and their ordered authorships.

Nothing here knows about the taxonomy; `taxonomy` builds on these models.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower

from papers.identifiers import InvalidIdentifier, normalize_doi, parse_arxiv_id


class Source(models.TextChoices):
    """Where a field's current value came from; a refresh never overwrites CURATOR."""

    CORPUS = "corpus", "Verified corpus"
    ARXIV = "arxiv", "arXiv"
    BIBTEX = "bibtex", "BibTeX"
    CURATOR = "curator", "Curator"


class PaperQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Paper.Status.PUBLIC)

    def candidates(self):
        """Papers the arXiv watch proposed, awaiting a curator's accept or reject."""
        return self.filter(status=Paper.Status.CANDIDATE)

    def flagged(self):
        """Papers ingestion flagged for a curator (a newer arXiv version, a published version)."""
        return self.filter(needs_review=True)

    def with_authors(self):
        authorships = Authorship.objects.select_related("author").order_by("position")
        return self.prefetch_related(Prefetch("authorships", queryset=authorships))

    def search(self, text: str):
        """Full-text search with ranking and snippets; see papers.search."""
        from papers.search import search_papers

        return search_papers(self, text)

    def in_category(self, category):
        """Papers placed in `category` or any of its descendants (each paper once)."""
        placements = category.placements.model.objects.filter(category__in=category.subtree_ids())
        return self.filter(pk__in=placements.values("paper_id"))


class Paper(models.Model):
    class EntryType(models.TextChoices):
        ARTICLE = "article"
        INPROCEEDINGS = "inproceedings"
        INCOLLECTION = "incollection"
        BOOK = "book"
        PHDTHESIS = "phdthesis"
        MASTERSTHESIS = "mastersthesis"
        TECHREPORT = "techreport"
        UNPUBLISHED = "unpublished"
        MISC = "misc"

    class Status(models.TextChoices):
        PUBLIC = "public", "Public"
        CANDIDATE = "candidate", "Candidate (awaiting review)"
        REJECTED = "rejected", "Rejected"

    citation_key = models.SlugField(
        max_length=80, unique=True, help_text="Stable BibTeX key used in URLs, e.g. park2020hetpipe."
    )
    title = models.CharField(max_length=500)
    abstract = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True, help_text="Full name of the journal or proceedings.")
    venue_short = models.CharField(max_length=80, blank=True, help_text='Short form, e.g. "USENIX ATC 2020".')
    entry_type = models.CharField(max_length=20, choices=EntryType.choices, default=EntryType.MISC)
    volume = models.CharField(max_length=40, blank=True)
    number = models.CharField(max_length=40, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    # Identifiers are NULL when unknown (unique when set); "" would collide.
    doi = models.CharField("DOI", max_length=200, null=True, blank=True)  # noqa: DJ001
    arxiv_id = models.CharField(  # noqa: DJ001
        "arXiv id", max_length=40, null=True, blank=True, help_text="Without version."
    )
    arxiv_version = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Latest version seen.")
    url = models.URLField("URL", max_length=500, blank=True)
    pdf_url = models.URLField("PDF URL", max_length=500, blank=True)
    code_url = models.URLField("code URL", max_length=500, blank=True)
    citation_count = models.PositiveIntegerField(null=True, blank=True, help_text="Curated figure, not live.")
    citation_count_as_of = models.DateField(null=True, blank=True)
    version_note = models.TextField(
        blank=True, help_text="Other versions of this work: earlier titles, author lists, venues."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLIC)
    # {field name: Source}: lets a refresh tell a curator's edit from its own earlier value.
    field_sources = models.JSONField(default=dict, blank=True)
    # Field names whose value could not be confirmed in a source; never exported as fact.
    unconfirmed_fields = models.JSONField(default=list, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1-12, when the source gives it.")
    # What arXiv says about its version of the work; the published version may differ (title, authors).
    arxiv_title = models.CharField("arXiv title", max_length=500, blank=True)
    arxiv_primary_category = models.CharField("arXiv primary category", max_length=40, blank=True)
    arxiv_categories = models.JSONField("arXiv categories", default=list, blank=True)
    journal_ref = models.CharField("journal reference", max_length=500, blank=True)
    arxiv_comment = models.TextField("arXiv comment", blank=True)
    arxiv_published = models.DateTimeField("first on arXiv", null=True, blank=True)
    arxiv_updated = models.DateTimeField("latest arXiv version", null=True, blank=True)
    # Set by ingestion when a curator should look: a newer arXiv version, a published version appeared.
    needs_review = models.BooleanField("flagged for review", default=False)
    review_reason = models.TextField(blank=True)
    # PostgreSQL only: weighted tsvector kept current by database triggers (taxonomy migration 0002),
    # because it gathers authors and category names from other tables. NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            # DOIs are case-insensitive: 10.1145/ABC and 10.1145/abc are one paper.
            models.UniqueConstraint(Lower("doi"), name="paper_doi_unique_ci"),
            models.UniqueConstraint(fields=["arxiv_id"], name="paper_arxiv_id_unique"),
            # A blank identifier is NULL; "" would collide with the next blank one.
            models.CheckConstraint(condition=~Q(doi=""), name="paper_doi_not_empty"),
            models.CheckConstraint(condition=~Q(arxiv_id=""), name="paper_arxiv_id_not_empty"),
            models.CheckConstraint(condition=~Q(title=""), name="paper_title_not_empty"),
            models.CheckConstraint(condition=~Q(citation_key=""), name="paper_citation_key_not_empty"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100), name="paper_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["public", "candidate", "rejected"]), name="paper_status_valid"
            ),
            # A month is 1-12 or unknown.
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name="paper_month_valid"
            ),
        ]
        indexes = [
            # Year range filters and ordering=year.
            models.Index(fields=["year", "title"], name="paper_year_title_idx"),
            # The default ordering (-year, title): a page of the list without sorting every paper.
            models.Index(fields=["-year", "title"], name="paper_year_desc_title_idx"),
            # public() is part of nearly every read.
            models.Index(fields=["status"], name="paper_status_idx"),
            # Full-text search (PostgreSQL; a plain index elsewhere).
            GinIndex(fields=["search_vector"], name="paper_search_vector_gin"),
            # Typo-tolerant title matching with pg_trgm (word_similarity).
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="paper_title_trgm_gin"),
            # The health page and the admin filter list the (few) papers flagged for review.
            models.Index(fields=["needs_review"], condition=Q(needs_review=True), name="paper_needs_review_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def clean(self):
        errors = {}
        try:
            self.doi = normalize_doi(self.doi)
        except InvalidIdentifier as exc:
            errors["doi"] = str(exc)
        if self.arxiv_id:
            try:
                self.arxiv_id, version = parse_arxiv_id(self.arxiv_id)
                if version and (self.arxiv_version or 0) < version:
                    self.arxiv_version = version
            except InvalidIdentifier as exc:
                errors["arxiv_id"] = str(exc)
        else:
            self.arxiv_id = None
        if errors:
            raise ValidationError(errors)

    @property
    def ordered_authors(self) -> list["Author"]:
        """Authors in order; uses the prefetch from with_authors() when present."""
        return [authorship.author for authorship in sorted(self.authorships.all(), key=lambda a: a.position)]

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""


class Author(models.Model):
    given_name = models.CharField(max_length=120, blank=True)
    family_name = models.CharField(max_length=120)

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            # One row per spelled name; the catalogue does not disambiguate namesakes.
            models.UniqueConstraint(fields=["family_name", "given_name"], name="author_name_unique"),
            models.CheckConstraint(condition=~Q(family_name=""), name="author_family_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def bibtex_name(self) -> str:
        return f"{self.family_name}, {self.given_name}" if self.given_name else self.family_name


class Authorship(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="authorships")
    position = models.PositiveSmallIntegerField(help_text="1 for the first author.")

    class Meta:
        ordering = ["paper", "position"]
        constraints = [
            # Author order is part of the record: one author per slot ...
            models.UniqueConstraint(fields=["paper", "position"], name="authorship_position_unique"),
            # ... and one slot per author.
            models.UniqueConstraint(fields=["paper", "author"], name="authorship_author_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="authorship_position_positive"),
        ]

    def __str__(self):
        return f"{self.position}. {self.author}"


class CandidatePaper(Paper):
    """The admin inbox: papers the arXiv watch proposed, awaiting a curator's accept or reject."""

    class Meta:
        proxy = True
        verbose_name = "candidate"
        verbose_name_plural = "candidate inbox"


class ArxivQuery(models.Model):
    """A saved arXiv search the watch runs on its schedule, e.g. all:"heterogeneous GPU" AND cat:cs.DC."""

    name = models.CharField(max_length=120)
    query = models.CharField(max_length=500, unique=True, help_text="arXiv API search_query syntax.")
    is_active = models.BooleanField(default=True)
    max_results = models.PositiveSmallIntegerField(default=50, help_text="Newest submissions looked at per run.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_new = models.PositiveIntegerField(default=0, help_text="Candidates the last run proposed.")

    class Meta:
        ordering = ["name"]
        verbose_name = "arXiv query"
        verbose_name_plural = "arXiv queries"
        constraints = [
            models.CheckConstraint(condition=~Q(query=""), name="arxivquery_query_not_empty"),
            # The arXiv API serves at most 2000 results per page; one page per query and run.
            models.CheckConstraint(
                condition=Q(max_results__gte=1, max_results__lte=2000), name="arxivquery_max_results_range"
            ),
        ]

    def __str__(self):
        return self.name


class IngestRun(models.Model):
    """One import or fetch: what was asked, how it went, and what happened to each entry."""

    class Kind(models.TextChoices):
        ARXIV_FETCH = "arxiv_fetch", "arXiv fetch"
        ARXIV_WATCH = "arxiv_watch", "arXiv watch"
        BIBTEX_IMPORT = "bibtex_import", "BibTeX import"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Outcome(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        UNCHANGED = "unchanged"
        DUPLICATE = "duplicate"
        FAILED = "failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    input = models.TextField(blank=True, help_text="arXiv ids (one per line), the BibTeX text, or the queries run.")
    input_name = models.CharField(max_length=200, blank=True, help_text="Uploaded file name, if any.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Every save touches it: a run that is not finished and has not moved for a long time has lost
    # its task (worker killed, message lost with the broker), and the recovery task dispatches it again.
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Who does the run (a Celery task id, or "in-process" for a command) and since when. Empty/NULL:
    # nobody yet, as when the broker was away; the recovery task dispatches the run when it is back.
    task_id = models.CharField(max_length=64, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    restarts = models.PositiveSmallIntegerField(default=0, help_text="Times it started over after losing its worker.")
    # Set while a transient failure (network, HTTP 5xx) waits for its retry: arXiv is "in backoff".
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    requests_made = models.PositiveIntegerField(default=0, help_text="HTTP requests sent to arXiv.")
    created_count = models.PositiveIntegerField("created", default=0)
    updated_count = models.PositiveIntegerField("updated", default=0)
    unchanged_count = models.PositiveIntegerField("unchanged", default=0)
    duplicate_count = models.PositiveIntegerField("duplicate", default=0)
    failed_count = models.PositiveIntegerField("failed", default=0)
    # One {"entry", "outcome", "paper", "message"} per entry, in input order.
    messages = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="Why the run as a whole failed.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "ingest run"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["arxiv_fetch", "arxiv_watch", "bibtex_import"]), name="ingestrun_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]), name="ingestrun_state_valid"
            ),
            # A finished run has its finishing time; the health page sorts on it.
            models.CheckConstraint(
                condition=~Q(state__in=["done", "failed"]) | Q(finished_at__isnull=False),
                name="ingestrun_finished_has_time",
            ),
        ]
        indexes = [
            # Health page: the last successful run and recent failures per kind.
            models.Index(fields=["kind", "state", "finished_at"], name="ingestrun_kind_state_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.state})"

    @property
    def counts(self) -> dict[str, int]:
        return {outcome.value: getattr(self, f"{outcome.value}_count") for outcome in self.Outcome}

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def waiting_for_queue(self) -> bool:
        """Saved, but the broker was away when it was submitted: it starts when the broker is back."""
        return self.state == self.State.QUEUED and not self.task_id
