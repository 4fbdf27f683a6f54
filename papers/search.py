"""Full-text search over papers: one interface, two engines.

PostgreSQL: the stored weighted tsvector (title A > authors, categories B > abstract and the paper's
curated facts C > venue D; kept current by triggers), `websearch_to_tsquery` syntax, prefix matching on the
last word so results follow typing, trigram word similarity on titles for typos, ts_rank ordering and
ts_headline snippets. SQLite (laptop default): substring matching over title, abstract, venue, authors and
the curated facts with the same query syntax, and a close-match retry for typos.

The curated facts (`Paper.search_facts`: categories, approach, techniques, GPU types, models, baselines) are
written by the taxonomy; this module only reads the column.
"""

import difflib
import html
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, Exists, F, FloatField, Func, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from papers.models import Authorship

MAX_QUERY_LENGTH = 300
# Shorter words share too many trigrams with unrelated titles ("hetp" ~ "heterogeneous").
MIN_TYPO_LENGTH = 5
# PostgreSQL ranks (and counts) at most this many matches of one search: "1000+" beyond it.
SEARCH_CAP = 1000
TYPO_FALLBACK_BELOW = 5
_TOKEN_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


class SearchQueryError(ValueError):
    pass


@dataclass
class ParsedQuery:
    """The user's query split the way websearch_to_tsquery reads it."""

    alternatives: list[list[str]] = field(default_factory=list)  # OR of ANDs of words/phrases
    excluded: list[str] = field(default_factory=list)
    prefix: str = ""  # the last bare word, matched as a prefix while typing

    @property
    def terms(self) -> list[str]:
        return [term for group in self.alternatives for term in group]


def clean_query(text: str) -> str:
    text = (text or "").replace("\x00", " ")
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchQueryError(f"A search may be at most {MAX_QUERY_LENGTH} characters long.")
    return text


def parse_query(text: str) -> ParsedQuery:
    parsed = ParsedQuery(alternatives=[[]])
    tokens = list(_TOKEN_RE.finditer(text))
    for index, match in enumerate(tokens):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.lower() == "or":
            parsed.alternatives.append([])
            continue
        negated = negated or (bare or "").startswith("-")
        words = " ".join(_WORD_RE.findall(phrase if phrase is not None else bare)).lower()
        if not words:
            continue
        if negated:
            parsed.excluded.append(words)
        else:
            parsed.alternatives[-1].append(words)
        is_last = index == len(tokens) - 1
        typing_a_word = bare is not None and not negated and " " not in words and not text.endswith(" ")
        if is_last and typing_a_word and len(parsed.alternatives) == 1:
            parsed.prefix = words
    parsed.alternatives = [group for group in parsed.alternatives if group]
    return parsed


def search_papers(queryset: QuerySet, text: str) -> QuerySet:
    """Papers matching `text`, annotated with `rank`, best first (snippets: add_snippets on a page)."""
    text = clean_query(text)
    parsed = parse_query(text)
    if not parsed.terms:
        if parsed.excluded:
            return queryset.none()
        return queryset
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, text, parsed)
    return _search_fallback(queryset, parsed)


# --- PostgreSQL ------------------------------------------------------------------------------------------------


class _EscapeHtml(Func):
    # ts_headline copies the text as it is: escape it first so the snippet is safe HTML with <mark> only.
    template = "replace(replace(replace(%(expressions)s, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


def _tsquery(text: str, parsed: ParsedQuery) -> SearchQuery:
    if not parsed.prefix:
        return SearchQuery(text, search_type="websearch", config="english")
    # websearch_to_tsquery ignores ":*", so the last word goes through to_tsquery, sanitised to letters/digits.
    prefix = SearchQuery(f"{parsed.prefix}:*", search_type="raw", config="english")
    rest = text[: text.lower().rfind(parsed.prefix)].strip()
    if not rest or not parse_query(rest).terms:
        return prefix
    return SearchQuery(rest, search_type="websearch", config="english") & prefix


def _search_postgres(queryset: QuerySet, text: str, parsed: ParsedQuery) -> QuerySet:
    query = _tsquery(text, parsed)
    words = " ".join(parsed.terms)
    excluded = Q()
    for phrase in parsed.excluded:
        excluded |= Q(search_vector=SearchQuery(phrase, search_type="phrase", config="english"))
    # Rank only the first SEARCH_CAP matches: ranking and counting tens of thousands of rows for a
    # word in most papers costs ~0.5 s; the GIN index finds the first thousand in milliseconds.
    # order_by(): no sort before the LIMIT, so the scan stops at the cap.
    matching = queryset.order_by().exclude(excluded)
    ids = list(matching.filter(search_vector=query).values_list("pk", flat=True)[:SEARCH_CAP])
    if len(ids) < TYPO_FALLBACK_BELOW and len(words) >= MIN_TYPO_LENGTH:
        # Few or no exact hits: a typo? Titles with a word close to the query's (pg_trgm index).
        similar = matching.filter(title__trigram_word_similar=words).exclude(pk__in=ids)
        ids += list(similar.values_list("pk", flat=True)[: SEARCH_CAP - len(ids)])
    queryset = queryset.filter(pk__in=ids)
    weights = [0.05, 0.1, 0.3, 1.0]  # D, C, B, A: a title match outranks everything else
    rank = SearchRank(F("search_vector"), query, weights=weights) + 0.5 * TrigramWordSimilarity(Value(words), "title")
    return queryset.annotate(rank=rank).order_by("-rank", "-year", "title")


def add_snippets(papers: list, text: str) -> None:
    """Set `title_snippet` and `snippet` (escaped HTML, matches in <mark>) on one page of results.

    Apart from the search so that ts_headline, the costly part, runs for the page only, not for
    every ranked match. One query on PostgreSQL; elsewhere highlight() does it when rendering.
    """
    if not papers or connection.vendor != "postgresql":
        return
    try:
        text = clean_query(text)
    except SearchQueryError:
        return
    parsed = parse_query(text)
    if not parsed.terms:
        return
    query = _tsquery(text, parsed)
    marks = {"config": "english", "start_sel": "<mark>", "stop_sel": "</mark>"}
    source = Coalesce(NullIf("abstract", Value("")), NullIf("version_note", Value("")), "venue")
    rows = (
        type(papers[0])
        .objects.filter(pk__in=[paper.pk for paper in papers])
        .annotate(
            snippet=SearchHeadline(_EscapeHtml(source), query, max_words=35, min_words=15, **marks),
            title_snippet=SearchHeadline(_EscapeHtml("title"), query, highlight_all=True, **marks),
        )
        .values_list("pk", "title_snippet", "snippet")
    )
    found = {pk: (title, snippet) for pk, title, snippet in rows}
    for paper in papers:
        paper.title_snippet, paper.snippet = found.get(paper.pk, (None, None))


# --- SQLite and other databases -------------------------------------------------------------------------------


def _term_matches(term: str) -> Q:
    author_hit = Authorship.objects.filter(paper=OuterRef("pk")).filter(
        Q(author__family_name__icontains=term) | Q(author__given_name__icontains=term)
    )
    return (
        Q(title__icontains=term)
        | Q(abstract__icontains=term)
        | Q(venue__icontains=term)
        | Q(venue_short__icontains=term)
        | Q(version_note__icontains=term)
        | Q(search_facts__icontains=term)
        | Exists(author_hit)
    )


def _fallback_filter(parsed: ParsedQuery) -> Q:
    any_group = Q()
    for group in parsed.alternatives:
        all_terms = Q()
        for term in group:
            # Phrases become their words here: the fallback matches substrings, not positions.
            for word in term.split():
                all_terms &= _term_matches(word)
        any_group |= all_terms
    for excluded in parsed.excluded:
        any_group &= ~(Q(title__icontains=excluded) | Q(abstract__icontains=excluded))
    return any_group


def _corrected(queryset: QuerySet, parsed: ParsedQuery) -> ParsedQuery | None:
    """Replace words that match nothing by the closest title word (a small catalogue's typo fallback)."""
    titles = queryset.values_list("title", flat=True)
    vocabulary = {word.lower() for title in titles for word in _WORD_RE.findall(title)}
    changed = False
    alternatives = []
    for group in parsed.alternatives:
        fixed = []
        for term in group:
            close = difflib.get_close_matches(term, vocabulary, n=1, cutoff=0.75) if term not in vocabulary else []
            changed |= bool(close)
            fixed.append(close[0] if close else term)
        alternatives.append(fixed)
    return ParsedQuery(alternatives=alternatives, excluded=parsed.excluded) if changed else None


def _search_fallback(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    matched = queryset.filter(_fallback_filter(parsed))
    if not matched.exists():
        corrected = _corrected(queryset, parsed)
        if corrected is not None:
            parsed = corrected
            matched = queryset.filter(_fallback_filter(parsed))
    words = {word for term in parsed.terms for word in term.split()}
    # Rank: the share of the query's words found in the title, so title matches come first.
    title_hits = [
        Case(When(title__icontains=word, then=Value(1.0)), default=Value(0.0), output_field=FloatField())
        for word in words
    ]
    return matched.annotate(rank=sum(title_hits[1:], title_hits[0]) / len(words)).order_by("-rank", "-year", "title")


def highlight(text: str, query: str, *, max_chars: int = 240) -> str:
    """HTML-escaped `text` around the first hit of `query`'s words, hits wrapped in <mark>."""
    parsed = parse_query(clean_query(query))
    words = sorted({w for term in parsed.terms for w in term.split()}, key=len, reverse=True)
    if not text:
        return ""
    start = 0
    if words:
        first = re.search("|".join(re.escape(w) for w in words), text, re.IGNORECASE)
        if first and first.start() > max_chars // 3 and len(text) > max_chars:
            start = text.rfind(" ", 0, first.start() - max_chars // 3) + 1
    excerpt = text[start : start + max_chars]
    prefix, suffix = ("… " if start else ""), (" …" if start + max_chars < len(text) else "")
    escaped = html.escape(excerpt)
    if words:
        pattern = re.compile("|".join(re.escape(html.escape(w)) for w in words), re.IGNORECASE)
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    return prefix + escaped + suffix
