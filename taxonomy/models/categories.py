"""The category tree and the placements of papers in it."""

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

    class Source(models.TextChoices):
        SEED = "seed", "Seed list"
        CURATED = "curated", "Curated addition"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="placements")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="placements")
    note = models.TextField(blank=True)
    source = models.CharField(
        max_length=10, choices=Source.choices, default=Source.CURATED, help_text="The seed list's, or added since."
    )
    # Where the seed list puts a paper first: the seed view lists a category's papers in this order.
    seed_position = models.PositiveSmallIntegerField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text='Where the paper shows it, e.g. "§4.2".')
    confirmed = models.BooleanField(default=True, help_text="False when no source read could confirm it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category__sort_order", "category__name"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "category"], name="placement_paper_category_unique"),
            models.CheckConstraint(condition=Q(source__in=["seed", "curated"]), name="placement_source_valid"),
            models.CheckConstraint(
                condition=Q(source="seed") | Q(seed_position__isnull=True), name="placement_seed_position_only_seed"
            ),
        ]
        indexes = [
            # in_category(): papers of a set of categories.
            models.Index(fields=["category", "paper"], name="placement_category_paper_idx"),
        ]

    def __str__(self):
        return f"{self.paper.citation_key} in {self.category.slug}"
