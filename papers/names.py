"""Pure parsing of person names (no ORM)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonName:
    family: str
    given: str = ""

    @property
    def display(self) -> str:
        return f"{self.given} {self.family}".strip()


def parse_name(raw: str) -> PersonName:
    """Parse "Family, Given" (BibTeX and corpus form) or "Given Family" (arXiv form)."""
    text = " ".join((raw or "").split())
    if "," in text:
        family, _, given = text.partition(",")
        return PersonName(family=family.strip(), given=given.strip())
    given, _, family = text.rpartition(" ")
    return PersonName(family=family, given=given)
