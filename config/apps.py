from django.apps import AppConfig


class WiringConfig(AppConfig):
    """The project's own wiring: connects the cores' signals to the parts that listen to them."""

    name = "config"
    label = "wiring"
    verbose_name = "Wiring"

    def ready(self):
        from lib.cache import bump_generation
        from papers.signals import catalogue_changed

        # Cached API responses and facet counts are stale once the catalogue changed.
        catalogue_changed.connect(bump_generation, dispatch_uid="response-cache-generation", weak=False)
