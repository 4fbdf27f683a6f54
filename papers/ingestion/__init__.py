"""Ingestion: papers arriving from arXiv and BibTeX.

- records:  PaperRecord (what a source says about a paper), EntryOutcome (what became of an entry)
- bibtex, arxiv: the formats, text or API replies -> records (no ORM)
- matching: the stored paper a record describes (DOI, arXiv id, citation key, normalised title + year)
- merge:    the merge rules, a pure function of a paper's values and a record
- writing:  bulk writes in the caller's transaction, one import at a time (advisory lock)
- store:    records -> outcomes: validate, match, merge or create, write
- services: fetch_arxiv, import_bibtex, watch_arxiv, each recorded as an IngestRun

The run's state machine is IngestRun's (papers.models); curators' decisions on ingested papers are in
papers.services and the health report in papers.selectors.
"""

from papers.ingestion.records import EntryOutcome, PaperRecord
from papers.ingestion.services import arxiv_api, fetch_arxiv, import_bibtex, watch_arxiv
from papers.ingestion.store import ingest_records

__all__ = [
    "EntryOutcome",
    "PaperRecord",
    "arxiv_api",
    "fetch_arxiv",
    "import_bibtex",
    "ingest_records",
    "watch_arxiv",
]
