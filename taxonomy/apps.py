from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "taxonomy"
    verbose_name = "Taxonomy"

    def ready(self):
        from config.response_cache import invalidate_on_change
        from taxonomy.models import Category, ChangeRecord, Dimension, DimensionValue, Placement, Term

        # Cached API responses and counts go stale when the taxonomy or the change history changes.
        invalidate_on_change(Category, Placement, Dimension, Term, DimensionValue, ChangeRecord)
