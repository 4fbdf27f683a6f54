"""Parsers for the formats papers arrive in (arXiv Atom, BibTeX): text in, small dataclasses out, no ORM.

Both produce `PaperRecord`s: what one source says about one paper, already normalised and keyed by
Paper field names, so that papers.ingestion can match and merge them the same way.
"""

from dataclasses import dataclass, field

from papers.names import PersonName


@dataclass
class PaperRecord:
    label: str  # how messages name the entry: the BibTeX key or the arXiv id
    source: str  # a papers.models.Source value
    fields: dict[str, object]  # Paper field name -> value; only values the source actually gives
    authors: list[PersonName] = field(default_factory=list)
    # True when the record describes the arXiv preprint rather than a published version.
    is_preprint: bool = False
    key: str = ""  # the citation key the source proposes ("" for arXiv)
    line: int | None = None  # where the entry starts in its file
    notes: list[str] = field(default_factory=list)  # values dropped on the way, said to the curator


def normalize_space(text: str | None) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) into one space."""
    return " ".join((text or "").replace("\xa0", " ").split())
