from django.apps import AppConfig


class CurationConfig(AppConfig):
    """The Django admin over both cores (one door, so a paper's page can inline its taxonomy placements)."""

    name = "curation"
    verbose_name = "Curation"
