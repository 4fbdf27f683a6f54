from django.apps import AppConfig


class TaxonomyConfig(AppConfig):
    name = "taxonomy"
    verbose_name = "Taxonomy"

    def ready(self):
        from papers.signals import announce_changes_of
        from taxonomy.models import Category, ChangeRecord, Dimension, DimensionValue, Placement, Term
        from taxonomy.search_facts import connect_signals

        # The catalogue changed when the taxonomy or the change history changes.
        announce_changes_of(Category, Placement, Dimension, Term, DimensionValue, ChangeRecord)
        connect_signals()  # search finds papers by their curated facts too
