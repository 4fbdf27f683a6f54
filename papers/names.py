"""Person names, parsed by BibTeX's grammar (no ORM): one parser for BibTeX, arXiv, the API and the corpus.

"First von Last", "von Last, First" and "von Last, Jr, First", with braces grouping words ("{Google
Research}" is one name) and LaTeX decoded. An author is stored once per (family, given): every door
must split a name the same way, or one person becomes two authors.
"""

from dataclasses import dataclass
from functools import lru_cache

from bibtexparser.middlewares.names import parse_single_name_into_parts

from lib.latex import latex_to_text


@dataclass(frozen=True)
class PersonName:
    family: str  # the von and Last parts, then ", Jr" when there is one: "van der Berg, Jr."
    given: str = ""

    @property
    def display(self) -> str:
        return f"{self.given} {self.family}".strip()


@lru_cache(maxsize=50_000)  # the same names recur across entries; PersonName is immutable
def parse_name(raw: str) -> PersonName:
    """One name in any BibTeX form: "van der Berg, Jr., Piet", "Piet van der Berg", "Berg, P."."""
    parts = parse_single_name_into_parts(raw or "", strict=False)
    family = latex_to_text(" ".join(parts.von + parts.last))
    if parts.jr:
        family = f"{family}, {latex_to_text(' '.join(parts.jr))}"
    given = latex_to_text(" ".join(parts.first))
    if not family:  # only a given name (", Jane"): it is the name the person goes by
        family, given = given, ""
    return PersonName(family=family, given=given)
