"""Papers -> BibTeX text, as DBLP or Google Scholar would give it, valid for classic `bibtex`.

One function serves the API, the admin, the command and the pages; the LaTeX is lib.latex's. Pass papers prefetched with
`Paper.objects.with_authors()`: formatting runs no queries.

- Keys are Paper.citation_key; entry types and fields follow the standard styles (plain.bst): an entry
  missing a field its type requires is written as @misc, so `bibtex` never warns.
- Text is LaTeX-escaped (& % $ # _ ~ ^ \\ { }), non-ASCII letters written as accent commands ({\\'e})
  that 8-bit `bibtex` sorts and prints correctly, and capitals in titles protected ({GPU}).
- prefer="published" (default) cites the published version and keeps eprint/archivePrefix; "preprint"
  cites the arXiv version (@misc, arXiv's title when recorded).
- Fields listed in Paper.unconfirmed_fields are left out: they are not facts.
"""

import re
from collections.abc import Iterable

from lib.latex import bibtex_name, protect_title
from lib.latex import text_to_latex as latex_escape
from papers.ingestion.bibtex import MONTH_MACROS, VENUE_FIELD
from papers.models import Paper

PREFER = ("published", "preprint")
# What each entry type needs besides author and title, and where it keeps the venue (plain.bst).
_REQUIRED = {
    "article": ("journal", "year"),
    "inproceedings": ("booktitle", "year"),
    "incollection": ("booktitle", "publisher", "year"),
    "book": ("publisher", "year"),
    "phdthesis": ("school", "year"),
    "mastersthesis": ("school", "year"),
    "techreport": ("institution", "year"),
    "unpublished": ("note",),
    "misc": (),
}
_GENERIC_ARXIV_VENUES = {"", "arxiv", "arxiv preprint", "corr"}


def _fields(paper: Paper, prefer: str, include_abstract: bool) -> tuple[str, list[tuple[str, str]]]:
    """(entry type, [(field, BibTeX value)]) in the order DBLP writes them."""
    unconfirmed = set(paper.unconfirmed_fields or [])

    def value(name: str) -> str:
        return "" if name in unconfirmed else str(getattr(paper, name) or "").strip()

    authors = [a for a in paper.ordered_authors] if "authors" not in unconfirmed else []
    fields: list[tuple[str, str]] = []
    if authors:
        fields.append(("author", " and ".join(bibtex_name(a.family_name, a.given_name) for a in authors)))

    if prefer == "preprint" and paper.arxiv_id:
        entry_type = "misc"
        title = paper.arxiv_title or value("title")
        year = str(paper.arxiv_published.year) if paper.arxiv_published else value("year")
        fields += [("title", protect_title(title)), ("howpublished", f"arXiv preprint arXiv:{paper.arxiv_id}")]
        if year:
            fields.append(("year", year))
        fields.append(("url", paper.arxiv_url))
    else:
        entry_type = paper.entry_type if paper.entry_type in _REQUIRED else "misc"
        venue = value("venue")
        if entry_type == "misc" and paper.arxiv_id and venue.lower() in _GENERIC_ARXIV_VENUES:
            venue = f"arXiv preprint arXiv:{paper.arxiv_id}"
        present = {"journal": venue, "booktitle": venue, "school": venue, "institution": venue, "note": venue}
        present |= {"publisher": value("publisher"), "year": value("year")}
        if not authors or any(not present.get(name) for name in _REQUIRED[entry_type]):
            entry_type = "misc"  # what plain.bst can print without warnings
        fields.append(("title", protect_title(value("title"))))
        if venue:
            fields.append((VENUE_FIELD.get(entry_type, "howpublished"), latex_escape(venue)))
        volume, number = value("volume"), value("number")
        if volume:
            fields.append(("volume", latex_escape(volume)))
        # plain.bst warns "can't use both volume and number" outside articles.
        if number and (entry_type == "article" or not volume):
            fields.append(("number", latex_escape(number)))
        if value("pages"):
            fields.append(("pages", latex_escape(re.sub(r"\s*[-–—]+\s*", "--", value("pages")))))
        if value("publisher"):
            fields.append(("publisher", latex_escape(value("publisher"))))
        if paper.month and "month" not in unconfirmed:
            fields.append(("month", MONTH_MACROS[paper.month - 1]))  # a bare macro, as the styles define it
        if value("year"):
            fields.append(("year", value("year")))
        if value("doi"):
            fields.append(("doi", value("doi")))
        if value("url"):
            fields.append(("url", value("url")))
    if paper.arxiv_id and "arxiv_id" not in unconfirmed:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
        if paper.arxiv_primary_category:
            fields.append(("primaryClass", paper.arxiv_primary_category))
    if include_abstract and value("abstract"):
        fields.append(("abstract", latex_escape(value("abstract"))))
    if not authors:
        fields.append(("key", paper.citation_key))  # plain.bst sorts by key when there is no author
    return entry_type, fields


def bibtex_for_paper(paper: Paper, *, prefer: str = "published", include_abstract: bool = False) -> str:
    """One entry, ending with a newline."""
    if prefer not in PREFER:
        raise ValueError(f"prefer must be one of {PREFER}, not {prefer!r}")
    entry_type, fields = _fields(paper, prefer, include_abstract)
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(
        f"  {name:<{width}} = {value}" if name == "month" else f"  {name:<{width}} = {{{value}}}"
        for name, value in fields
    )
    return f"@{entry_type}{{{paper.citation_key},\n{body}\n}}\n"


def bibtex_for_papers(papers: Iterable[Paper], *, prefer: str = "published", include_abstract: bool = False) -> str:
    """Entries for `papers` (prefetched with .with_authors()), separated by blank lines."""
    return "\n".join(bibtex_for_paper(paper, prefer=prefer, include_abstract=include_abstract) for paper in papers)
