from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Case, IntegerField, Value, When

from taxonomy.models import Category, Dimension, Term
from taxonomy.services import category_tree


def _tree_rows(nodes, depth=0):
    """(category id, depth, papers in subtree) in tree order."""
    for node in nodes:
        yield node.category.pk, depth, node.paper_count
        yield from _tree_rows(node.children, depth + 1)


def _by_pk(rows, column):
    if not rows:
        return Value(0, output_field=IntegerField())
    whens = [When(pk=row[0], then=Value(column(i, row))) for i, row in enumerate(rows)]
    return Case(*whens, default=Value(0), output_field=IntegerField())


class TreeChangeList(ChangeList):
    # Rows follow the tree (annotated by CategoryAdmin.get_queryset), not a column.
    def get_ordering(self, request, queryset):
        return ["tree_position", "pk"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["tree_name", "slug", "subtree_paper_count", "sort_order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        # Tree position, depth and counts come from one pass over the tree (two queries).
        rows = list(_tree_rows(category_tree()))
        return (
            super()
            .get_queryset(request)
            .annotate(
                tree_position=_by_pk(rows, lambda i, row: i),
                depth=_by_pk(rows, lambda i, row: row[1]),
                subtree_papers=_by_pk(rows, lambda i, row: row[2]),
            )
        )

    def get_changelist(self, request, **kwargs):
        return TreeChangeList

    @admin.display(description="category")
    def tree_name(self, category):
        return f"{'— ' * getattr(category, 'depth', 0)}{category.name}"

    @admin.display(description="papers (incl. sub-categories)")
    def subtree_paper_count(self, category):
        return getattr(category, "subtree_papers", 0)


class TermInline(admin.TabularInline):
    model = Term
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "sort_order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TermInline]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "dimension"]
    list_filter = ["dimension"]
    search_fields = ["name", "slug", "description"]
