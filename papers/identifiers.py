"""Pure normalisation of identifiers, titles and spacing (no ORM), shared by models, services and parsers."""

import re
import unicodedata

# New-style ids (0704.0001 onwards) and old-style archive ids (cs/0112017, math.GT/0309136).
_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_RE = re.compile(
    rf"^(?:arxiv:)?(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
    rf"(?P<id>{_NEW_ID}|{_OLD_ID})(?:v(?P<version>\d+))?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


class InvalidIdentifier(ValueError):
    pass


def parse_arxiv_id(raw: str) -> tuple[str, int | None]:
    """Return (id without version, version or None) for any form people paste.

    Accepts `2005.14038`, `2005.14038v2`, `arXiv:2005.14038`, abs/pdf URLs and
    old-style ids such as `cs/0112017`.
    """
    text = (raw or "").strip()
    match = _ARXIV_RE.match(text)
    if not match:
        raise InvalidIdentifier(f"Not an arXiv identifier: {raw!r}")
    arxiv_id = match.group("id")
    if "/" in arxiv_id:
        archive, number = arxiv_id.split("/", 1)
        # Archive names are lower case; a subject class (math.GT) keeps its capitals.
        head, _, subject = archive.partition(".")
        arxiv_id = f"{head.lower()}{'.' + subject.upper() if subject else ''}/{number}"
    version = match.group("version")
    return arxiv_id, int(version) if version else None


def normalize_doi(raw: str | None) -> str | None:
    """Strip resolver prefixes and whitespace; blank becomes None (never "")."""
    text = (raw or "").strip()
    for prefix in _DOI_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
            break
    if not text:
        return None
    if not _DOI_RE.match(text):
        raise InvalidIdentifier(f"Not a DOI: {raw!r}")
    return text


def normalize_title(title: str) -> str:
    """A comparison key for titles: accents, case, punctuation and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", title or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_only).split())


# What Paper.normalized_title holds: the normalised title, cut to the column's length.
TITLE_KEY_LENGTH = 500


def title_key(title: str) -> str:
    """The key imports look titles up by (stored as Paper.normalized_title)."""
    return normalize_title(title)[:TITLE_KEY_LENGTH]


def normalize_space(text: str | None) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) into one space."""
    return " ".join((text or "").replace("\xa0", " ").split())


def arxiv_id_errors(raw_ids) -> list[str]:
    """One message per entry of `raw_ids` that is not an arXiv identifier in any accepted form."""
    errors = []
    for raw in raw_ids:
        try:
            parse_arxiv_id(raw)
        except InvalidIdentifier as exc:
            errors.append(str(exc))
    return errors
