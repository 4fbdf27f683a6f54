"""The Django admin over both cores, one module per area; importing them registers every ModelAdmin."""

from curation.admin import accounts, evaluation, ingest, papers, taxonomy  # noqa: F401
