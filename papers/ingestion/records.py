"""What the formats produce and what a run reports: plain dataclasses, no ORM.

A `PaperRecord` is what one source (an arXiv entry, a BibTeX entry) says about one paper, already
normalised and keyed by Paper field names, so that every source is matched and merged the same way.
An `EntryOutcome` is what became of one entry of a run.
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


@dataclass
class EntryOutcome:
    entry: str
    outcome: str  # an IngestRun.Outcome value
    paper: str = ""  # citation key of the paper it created or merged into
    message: str = ""
    line: int | None = None
    arxiv_id: str | None = None

    def as_message(self) -> dict:
        message = {"entry": self.entry, "outcome": str(self.outcome), "paper": self.paper, "message": self.message}
        if self.line is not None:
            message["line"] = self.line
        return message


def join_notes(*parts: str) -> str:
    return " ".join(part for part in parts if part)
