"""The comparison of solution approaches: dimensions, their controlled terms, and each paper's values."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from papers.models import Paper


class Dimension(models.Model):
    """A column of the solution-approach comparison (technique, workload, ...), defined by curators."""

    class Kind(models.TextChoices):
        TERMS = "terms", "Controlled terms"
        TEXT = "text", "Free text"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TERMS)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["terms", "text"]), name="dimension_kind_valid"),
        ]

    def __str__(self):
        return self.name


class Term(models.Model):
    """A controlled value of a dimension, e.g. technique = ILP."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="terms")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # A family (mathematical programming > ILP, MILP, LP): filtering by the family finds its members too.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", help_text="Its family."
    )
    # Slugs this term had before the vocabulary was cleaned up: old filter URLs still find it.
    former_slugs = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["dimension__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "slug"], name="term_dimension_slug_unique"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="term_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.dimension.slug}={self.slug}"

    def clean(self):
        if self.parent_id and self.parent.dimension_id != self.dimension_id:
            raise ValidationError({"parent": "A family belongs to the same dimension."})


class DimensionValue(models.Model):
    """One cell of the comparison: a paper's value for a dimension, with its evidence pointer."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="dimension_values")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="values")
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT, related_name="values")
    text = models.TextField(blank=True, help_text="Free text, or a qualifier of the term.")
    evidence = models.TextField(blank=True, help_text='Where the paper shows it, e.g. "§3.6".')
    confirmed = models.BooleanField(default=True, help_text="False when no source read could confirm it.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dimension__sort_order", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(term__isnull=False) | ~Q(text=""), name="value_has_term_or_text"),
            # A term is listed once per paper; free-text values may repeat.
            models.UniqueConstraint(
                fields=["paper", "term"], condition=Q(term__isnull=False), name="value_paper_term_unique"
            ),
        ]
        indexes = [
            # technique=ilp: papers holding a term is one index lookup.
            models.Index(fields=["term", "paper"], name="value_term_paper_idx"),
        ]

    def __str__(self):
        return f"{self.paper.citation_key}: {self.dimension.slug}={self.term or self.text}"

    def clean(self):
        if self.term_id and self.dimension_id and self.term.dimension_id != self.dimension_id:
            raise ValidationError({"term": f"{self.term} is not a term of {self.dimension}."})
        if self.dimension_id and self.dimension.kind == Dimension.Kind.TEXT and self.term_id:
            raise ValidationError({"term": f"{self.dimension} takes free text, not terms."})
