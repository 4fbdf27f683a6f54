"""The bibliographic core's models: papers and authors (paper.py), ingestion records (ingest.py)."""

from papers.models.ingest import IN_PROCESS, ArxivQuery, IngestRun, IngestRunQuerySet
from papers.models.paper import TITLE_KEYS, Author, Authorship, CandidatePaper, Paper, PaperQuerySet, Source

__all__ = [
    "IN_PROCESS",
    "TITLE_KEYS",
    "ArxivQuery",
    "Author",
    "Authorship",
    "CandidatePaper",
    "IngestRun",
    "IngestRunQuerySet",
    "Paper",
    "PaperQuerySet",
    "Source",
]
