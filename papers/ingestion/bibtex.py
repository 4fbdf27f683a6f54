"""BibTeX text -> PaperRecords, with bibtexparser v2 for splitting; no ORM.

bibtexparser only splits the text into blocks here (an empty parse stack): macro references, `#`
concatenation and enclosing braces are resolved by `resolve_value`, because its own middlewares leave
concatenations unresolved and decode LaTeX too slowly. LaTeX is decoded only in the fields we store,
and only when they contain markup (lib.latex).
"""

import calendar
import logging
import re
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares.names import split_multiple_persons_names

from lib.latex import latex_to_text
from papers.identifiers import InvalidIdentifier, normalize_doi, normalize_space, parse_arxiv_id
from papers.ingestion.records import PaperRecord
from papers.names import PersonName, parse_name

# bibtexparser logs every failed block at WARNING; the import reports them per entry instead.
logging.getLogger("bibtexparser.splitter").setLevel(logging.ERROR)


def _english_months() -> tuple[tuple[str, ...], tuple[str, ...]]:
    # calendar names months in the process's LC_TIME locale: ask for the C locale's (English) ones.
    with calendar.different_locale("C"):
        return tuple(calendar.month_abbr)[1:], tuple(calendar.month_name)[1:]


_ABBREVIATIONS, _NAMES = _english_months()
# The standard styles' month macros (jan ... dec), and the names they define them as.
MONTH_MACROS = tuple(abbr.lower() for abbr in _ABBREVIATIONS)
MONTH_NAMES = dict(zip(MONTH_MACROS, _NAMES, strict=True))
# What a month field may say, lower-cased: a macro, a full name, or the common "sept".
MONTHS = {name.lower(): n for n, names in enumerate(zip(MONTH_MACROS, _NAMES, strict=True), 1) for name in names}
MONTHS["sept"] = 9

# Entry types outside Paper.EntryType, mapped onto the nearest one.
_ENTRY_TYPES = {
    "article": "article",
    "inproceedings": "inproceedings",
    "conference": "inproceedings",
    "incollection": "incollection",
    "inbook": "incollection",
    "book": "book",
    "proceedings": "book",
    "phdthesis": "phdthesis",
    "thesis": "phdthesis",
    "mastersthesis": "mastersthesis",
    "techreport": "techreport",
    "report": "techreport",
    "unpublished": "unpublished",
}
# Where each entry type keeps what Paper calls the venue.
VENUE_FIELD = {
    "article": "journal",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "phdthesis": "school",
    "mastersthesis": "school",
    "techreport": "institution",
    "misc": "howpublished",
    "unpublished": "note",
}
ARXIV_VENUE = "arXiv preprint"
_ARXIV_VENUE_RE = re.compile(r"^(?:arxiv(?: e-prints| preprint)?|corr)(?:,? *(?:arxiv:|abs/)?\S*)?$", re.IGNORECASE)
_ARXIV_IN_TEXT_RE = re.compile(
    r"(?:arxiv[:\s]\s*|arxiv\.org/(?:abs|pdf)/|abs/)(\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})",
    re.IGNORECASE,
)
_KEY_RE = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")
_RAW_KEY_RE = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]+)")
_YEAR_RE = re.compile(r"\b(\d{4})\b")


@dataclass
class BibProblem:
    label: str
    line: int | None
    outcome: str  # "failed" or "duplicate"
    message: str


@dataclass
class ParsedBibtex:
    records: list[PaperRecord] = field(default_factory=list)
    problems: list[BibProblem] = field(default_factory=list)


def resolve_value(raw: str, macros: dict[str, str], undefined: list[str] | None = None) -> str:
    """The text of a raw BibTeX value: enclosing braces or quotes removed, macros and `#` resolved."""
    raw = raw.strip()
    if "#" not in raw:
        # The common case: one braced or quoted value, a number, or one macro.
        if len(raw) >= 2 and ((raw[0] == "{" and raw[-1] == "}") or (raw[0] == '"' and raw[-1] == '"')):
            return raw[1:-1]
        return _resolve_word(raw, macros, undefined)
    parts, i, n = [], 0, len(raw)
    while i < n:
        char = raw[i]
        if char.isspace() or char == "#":
            i += 1
        elif char in '{"':
            end = _closing(raw, i)
            parts.append(raw[i + 1 : end])
            i = end + 1
        else:
            end = i
            while end < n and not raw[end].isspace() and raw[end] != "#":
                end += 1
            parts.append(_resolve_word(raw[i:end], macros, undefined))
            i = end
    return "".join(parts)


def _closing(raw: str, start: int) -> int:
    """Index of the delimiter closing the one at `start` (BibTeX counts braces, even after a backslash)."""
    depth = 0
    for index in range(start + 1, len(raw)):
        char = raw[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and raw[start] == "{":
                return index
            depth -= 1
        elif char == '"' and depth == 0 and raw[start] == '"':
            return index
    return len(raw)


def _resolve_word(word: str, macros: dict[str, str], undefined: list[str] | None) -> str:
    if not word or word.isdigit():
        return word
    lowered = word.lower()
    if lowered in macros:
        return macros[lowered]
    if lowered in MONTH_NAMES:
        return MONTH_NAMES[lowered]
    if undefined is not None:
        undefined.append(word)
    return word


def parse_month(text: str) -> int | None:
    text = text.strip().lower().rstrip(".")
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTHS.get(text)


def split_authors(raw: str) -> tuple[list[PersonName], bool]:
    """Names in order, and whether the list ended with "and others" (et al.)."""
    names = split_multiple_persons_names(raw)
    truncated = bool(names) and names[-1].strip().lower() == "others"
    return [parse_name(name) for name in names if name.strip() and name.strip().lower() != "others"], truncated


def parse_bibtex(text: str) -> ParsedBibtex:
    """Every entry of `text` as a record or a problem, in file order; never raises on bad input."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    macros: dict[str, str] = {}
    parsed = ParsedBibtex()
    for block in library.blocks:
        if isinstance(block, model.String):
            # Later definitions win and may refer to earlier ones, as in BibTeX.
            macros[block.key.lower()] = resolve_value(block.value, macros)
        elif isinstance(block, model.Entry):
            result = _record(block, macros)
            (parsed.records if isinstance(result, PaperRecord) else parsed.problems).append(result)
        elif isinstance(block, model.ParsingFailedBlock):
            parsed.problems.append(_problem(block))
    return parsed


def _line(block: model.Block) -> int | None:
    """1-based line number (bibtexparser counts from 0)."""
    return block.start_line + 1 if block.start_line is not None else None


def _problem(block: model.ParsingFailedBlock) -> BibProblem:
    raw_key = _RAW_KEY_RE.match((block.raw or "").lstrip())
    line = _line(block)
    label = raw_key.group(1) if raw_key else f"line {line}"
    if isinstance(block, model.DuplicateBlockKeyBlock):
        return BibProblem(
            block.key,
            line,
            "duplicate",
            f"Key {block.key} is used twice in this file: the entry at line {_line(block.previous_block)} "
            "was imported, this one ignored.",
        )
    if isinstance(block, model.DuplicateFieldKeyBlock):
        return BibProblem(
            label, line, "failed", f"Field {', '.join(sorted(block.duplicate_keys))} given twice in one entry."
        )
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or type(block.error).__name__
    return BibProblem(label, line, "failed", f"Malformed entry at line {line}: {normalize_space(reason)}")


def _record(entry: model.Entry, macros: dict[str, str]) -> PaperRecord | BibProblem:
    undefined: list[str] = []
    values = {f.key.lower(): resolve_value(f.value, macros, undefined) for f in entry.fields}
    notes = [f"Undefined @string macro {name!r} kept as text." for name in dict.fromkeys(undefined)]
    line = _line(entry)
    title = latex_to_text(values.get("title"))
    if not title:
        return BibProblem(entry.key, line, "failed", "No title.")
    entry_type = _ENTRY_TYPES.get(entry.entry_type.lower(), "misc")
    fields: dict[str, object] = {"title": title, "entry_type": entry_type}

    venue_field = VENUE_FIELD.get(entry_type)
    venue_raw = values.get(venue_field, "") if venue_field else ""
    if not venue_raw and entry_type == "misc":
        venue_raw = values.get("journal") or values.get("booktitle") or ""
    venue = latex_to_text(venue_raw)

    arxiv_id, version = _arxiv_id(values)
    is_preprint = bool(venue) and bool(_ARXIV_VENUE_RE.match(venue))
    if is_preprint:
        venue = ARXIV_VENUE
    elif entry_type in ("misc", "unpublished") and arxiv_id:
        is_preprint = True
    if is_preprint and entry_type == "article":
        entry_type = fields["entry_type"] = "misc"  # Google Scholar cites preprints as "article"
    if is_preprint and not venue:
        venue = ARXIV_VENUE
    if venue:
        fields["venue"] = venue

    year_match = _YEAR_RE.search(values.get("year", ""))
    if year_match and 1900 <= int(year_match.group(1)) <= 2100:
        fields["year"] = int(year_match.group(1))
    elif values.get("year"):
        notes.append(f"Ignored year {values['year']!r}.")
    if values.get("month"):
        month = parse_month(values["month"])
        if month:
            fields["month"] = month
        else:
            notes.append(f"Ignored month {values['month']!r}.")

    volume = normalize_space(values.get("volume"))
    if volume and not (is_preprint and volume.lower().startswith("abs/")):  # DBLP's CoRR "abs/2005.14038"
        fields["volume"] = volume
    for name, source in (("number", "number"), ("number", "issue"), ("publisher", "publisher")):
        value = latex_to_text(values.get(source))
        if value and name not in fields:
            fields[name] = value
    pages = normalize_space(values.get("pages"))
    if pages:
        fields["pages"] = re.sub(r"\s*(?:-+|–|—|\\textendash\{?\}?)\s*", "-", pages)
    if values.get("abstract"):
        fields["abstract"] = latex_to_text(values["abstract"])
    if values.get("url"):
        fields["url"] = normalize_space(values["url"])
    if values.get("doi"):
        try:
            fields["doi"] = normalize_doi(values["doi"])
        except InvalidIdentifier:
            notes.append(f"Ignored DOI {values['doi']!r}: not a DOI.")
    if arxiv_id:
        fields["arxiv_id"] = arxiv_id
        if version:
            fields["arxiv_version"] = version
        if is_preprint:
            fields["arxiv_title"] = title
        if values.get("primaryclass"):
            fields["arxiv_primary_category"] = normalize_space(values["primaryclass"])

    authors, truncated = split_authors(values.get("author", ""))
    if truncated:
        notes.append('Author list ends with "and others": only the named authors were kept.')
    return PaperRecord(
        label=entry.key,
        source="bibtex",
        fields=fields,
        authors=authors,
        is_preprint=is_preprint,
        key=entry.key if _KEY_RE.match(entry.key) else "",
        line=line,
        notes=notes,
    )


def _arxiv_id(values: dict[str, str]) -> tuple[str | None, int | None]:
    """The arXiv id the entry names: eprint (+ archivePrefix/eprinttype), or an arXiv URL or reference."""
    prefix = (values.get("archiveprefix") or values.get("eprinttype") or "").strip().lower()
    eprint = values.get("eprint", "").strip()
    candidates = [eprint] if eprint and prefix in ("", "arxiv") else []
    for name in ("journal", "howpublished", "volume", "note", "url"):
        match = _ARXIV_IN_TEXT_RE.search(values.get(name, ""))
        if match:
            candidates.append(match.group(1))
    for candidate in candidates:
        try:
            return parse_arxiv_id(candidate)
        except InvalidIdentifier:
            continue
    return None, None
