"""The taxonomy: a category tree, placements of papers in it, and the comparison dimensions.

Builds on `papers`; nothing in `papers` imports from here.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from papers.models import Paper


class CategoryQuerySet(models.QuerySet):
    def tree_order(self):
        return self.order_by("sort_order", "name")


class Category(models.Model):
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    problem = models.TextField(blank=True, help_text="The problem papers in this category address.")
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="category_not_own_parent"),
            # Siblings need distinct names so the tree reads unambiguously.
            models.UniqueConstraint(fields=["parent", "name"], name="category_sibling_name_unique"),
        ]

    def __str__(self):
        return self.name

    def subtree_ids(self) -> list[int]:
        """This category's id and all its descendants' (one query for the whole tree)."""
        children_of: dict[int | None, list[int]] = {}
        for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
            children_of.setdefault(parent_id, []).append(pk)
        ids, stack = [], [self.pk]
        while stack:
            pk = stack.pop()
            ids.append(pk)
            stack.extend(children_of.get(pk, []))
        return ids


class Placement(models.Model):
    """A paper in a category, with a note on why (e.g. "§7 formulates layer assignment as an ILP")."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="placements")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="placements")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__sort_order", "category__name"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "category"], name="placement_paper_category_unique"),
        ]
        indexes = [
            # in_category(): papers of a set of categories.
            models.Index(fields=["category", "paper"], name="placement_category_paper_idx"),
        ]

    def __str__(self):
        return f"{self.paper.citation_key} in {self.category.slug}"


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

    class Meta:
        ordering = ["dimension__sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "slug"], name="term_dimension_slug_unique"),
        ]

    def __str__(self):
        return f"{self.dimension.slug}={self.slug}"


class DimensionValue(models.Model):
    """One cell of the comparison: a paper's value for a dimension, with its evidence pointer."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="dimension_values")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="values")
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT, related_name="values")
    text = models.TextField(blank=True, help_text="Free text, or a qualifier of the term.")
    evidence = models.CharField(max_length=200, blank=True, help_text='Where the paper shows it, e.g. "§3.6".')
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


class ChangeRecord(models.Model):
    """One change of a placement or a comparison value: who, when, before and after."""

    class Kind(models.TextChoices):
        PLACEMENT = "placement"
        VALUE = "value"

    class Action(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        DELETED = "deleted"

    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Snapshots, so the record still reads right after the user or paper is gone.
    username = models.CharField(max_length=150, blank=True)
    paper = models.ForeignKey(Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    citation_key = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_id = models.PositiveBigIntegerField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["placement", "value"]), name="change_kind_valid"),
            models.CheckConstraint(
                condition=Q(action__in=["created", "updated", "deleted"]), name="change_action_valid"
            ),
        ]
        indexes = [
            # GET /api/changes/ lists newest first.
            models.Index(fields=["-created_at", "-id"], name="change_newest_first_idx"),
        ]

    def __str__(self):
        return f"{self.username or 'system'} {self.action} {self.kind} of {self.citation_key}"
