"""Papers, authors and their ordered authorships.

Nothing here knows about the taxonomy; `taxonomy` builds on these models.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.db.models.signals import pre_save
from django.dispatch import receiver

from papers.identifiers import TITLE_KEY_LENGTH, InvalidIdentifier, normalize_doi, parse_arxiv_id, title_key

# Each title field and the column holding its title_key(), which imports look stored papers up by.
TITLE_KEYS = {"title": "normalized_title", "arxiv_title": "normalized_arxiv_title"}


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

    # The title keys follow the titles on the bulk paths too (Paper.save covers the others).
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for paper in objs:
            paper.set_title_keys()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs, fields = list(objs), list(fields)
        if not TITLE_KEYS.keys().isdisjoint(fields):
            for paper in objs:
                paper.set_title_keys()
            fields += [key for key in TITLE_KEYS.values() if key not in fields]
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        for name, key in TITLE_KEYS.items():
            if name in kwargs and key not in kwargs:  # bulk_update passes both
                if not isinstance(kwargs[name], str):
                    raise TypeError(f"update({name}=<expression>) would leave {key} stale: save the papers instead.")
                kwargs[key] = title_key(kwargs[name])
        return super().update(**kwargs)


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
    # Where the catalogue's facts about this paper were read (URLs, or a short description of a source).
    sources = models.JSONField(default=list, blank=True, help_text="Where these facts come from: URLs or notes.")
    curator_notes = models.TextField(blank=True, help_text="What curators found while checking the facts.")
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
    # title_key(title) and title_key(arxiv_title), derived on every write path: imports find stored
    # papers by title through these indexes instead of reading every title.
    normalized_title = models.CharField(max_length=TITLE_KEY_LENGTH, blank=True, editable=False)
    normalized_arxiv_title = models.CharField(max_length=TITLE_KEY_LENGTH, blank=True, editable=False)
    # Words the rest of the catalogue knows of the paper (its categories, approach, techniques, hardware,
    # baselines...), written by the taxonomy on every write of those facts; searched on every database.
    search_facts = models.TextField(blank=True, default="", editable=False)
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
            # Imports match records to stored papers by normalised title.
            models.Index(fields=["normalized_title"], name="paper_normalized_title_idx"),
            models.Index(
                fields=["normalized_arxiv_title"],
                condition=~Q(normalized_arxiv_title=""),
                name="paper_norm_arxiv_title_idx",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title

    def save(self, **kwargs):
        self.set_title_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not TITLE_KEYS.keys().isdisjoint(update_fields):
            kwargs["update_fields"] = {*update_fields, *TITLE_KEYS.values()}
        super().save(**kwargs)

    def set_title_keys(self) -> None:
        self.normalized_title = title_key(self.title)
        self.normalized_arxiv_title = title_key(self.arxiv_title)

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


@receiver(pre_save, sender=Paper)
def _title_keys_on_raw_save(sender, instance, raw, **kwargs):
    """Fixtures and catalogue restores save rows raw, without Paper.save: derive the keys here too."""
    if raw:
        instance.set_title_keys()


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
    # db_default: imports COPY authorships without naming this column.
    confirmed = models.BooleanField(
        default=True, db_default=True, help_text="False when no source read could confirm this name."
    )

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
