"""The arXiv API: entries by id (many per request) or by search query, as PaperRecords; no ORM.

The `arxiv` package does the requests, paging and Atom parsing. What it lacks is added here: a request
timeout, a strict check of every reply (HTTP status, well-formed XML: its parser silently recovers
from broken XML), and telling transient failures (network, timeout, HTTP 5xx/429: retry later) from
permanent ones (malformed XML, HTTP 4xx). Its own retries are immediate, so they are switched off:
the Celery task backs off instead.
"""

import threading
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree

import arxiv
import requests

from papers.identifiers import InvalidIdentifier, normalize_doi, normalize_space, parse_arxiv_id
from papers.ingestion.bibtex import ARXIV_VENUE
from papers.ingestion.records import PaperRecord
from papers.names import parse_name

DEFAULT_API_URL = "https://export.arxiv.org/api/query"


class ArxivError(Exception):
    """arXiv could not answer as asked."""


class ArxivUnavailable(ArxivError):
    """Transient: network error, timeout, HTTP 5xx or 429, an empty body. Worth retrying later."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class ArxivBadReply(ArxivError):
    """Permanent: malformed XML or an HTTP 4xx. The same request will fail the same way."""


@dataclass(frozen=True)
class ArxivEntry:
    arxiv_id: str  # without version
    version: int | None
    title: str
    abstract: str
    authors: tuple[str, ...]  # as arXiv writes them: "Jay H. Park"
    published: datetime
    updated: datetime
    primary_category: str
    categories: tuple[str, ...]
    doi: str | None
    journal_ref: str
    comment: str
    abs_url: str
    pdf_url: str

    def record(self) -> PaperRecord:
        notes = []
        fields: dict[str, object] = {
            "title": self.title,
            "arxiv_title": self.title,
            "abstract": self.abstract,
            "year": self.published.year,
            "month": self.published.month,
            "entry_type": "misc",
            "venue": ARXIV_VENUE,
            "venue_short": f"arXiv {self.published.year}",
            "arxiv_id": self.arxiv_id,
            "arxiv_version": self.version,
            "arxiv_primary_category": self.primary_category,
            "arxiv_categories": list(self.categories),
            "journal_ref": self.journal_ref,
            "arxiv_comment": self.comment,
            "arxiv_published": self.published,
            "arxiv_updated": self.updated,
            "url": self.abs_url,
            "pdf_url": self.pdf_url,
        }
        if self.doi:
            try:
                fields["doi"] = normalize_doi(self.doi)
            except InvalidIdentifier:
                notes.append(f"Ignored DOI {self.doi!r}: not a DOI.")
        return PaperRecord(
            label=self.arxiv_id,
            source="arxiv",
            fields={name: value for name, value in fields.items() if value not in ("", None, [])},
            authors=[parse_name(name) for name in self.authors],
            is_preprint=True,
            notes=notes,
        )


def entry_from_result(result: arxiv.Result) -> ArxivEntry:
    arxiv_id, version = parse_arxiv_id(result.get_short_id())
    pdf = next((link.href for link in result.links if link.title == "pdf"), "")
    return ArxivEntry(
        arxiv_id=arxiv_id,
        version=version,
        title=normalize_space(result.title),
        abstract=normalize_space(result.summary),
        authors=tuple(normalize_space(author.name) for author in result.authors),
        published=result.published,
        updated=result.updated,
        primary_category=result.primary_category or "",
        categories=tuple(result.categories),
        doi=(result.doi or "").strip() or None,
        journal_ref=normalize_space(result.journal_ref),
        comment=normalize_space(result.comment),
        # Unversioned https links always show the latest version.
        abs_url=f"https://arxiv.org/abs/{arxiv_id}",
        pdf_url=f"https://arxiv.org/pdf/{arxiv_id}" if pdf else "",
    )


class _TimeoutSession(requests.Session):
    """requests has no session-wide timeout, and arxiv.Client passes none: a stalled reply would hang."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, **kwargs)


class ArxivAPI:
    """One arXiv client: waits `delay_seconds` between its requests (arXiv's terms ask for 3) and counts them."""

    def __init__(
        self,
        *,
        api_url: str = DEFAULT_API_URL,
        delay_seconds: float = 3.0,
        timeout: float = 30.0,
        batch_size: int = 200,
    ):
        self.api_url = api_url
        self.timeout = timeout
        self.batch_size = batch_size
        self.requests_made = 0
        self._lock = threading.Lock()  # one request at a time keeps the pause meaningful
        self.client = arxiv.Client(page_size=batch_size, delay_seconds=delay_seconds, num_retries=0)
        self.client.query_url_format = api_url + "?{}"
        session = _TimeoutSession(timeout)
        session.hooks["response"].append(self._check_reply)
        # arxiv 4.0.2 has no option for the session; replacing it is how we add the timeout and the check.
        self.client._session = session

    def fetch(self, ids) -> dict[str, ArxivEntry]:
        """The latest version of each id (given without version), by id; ids arXiv doesn't know are absent."""
        ids = list(dict.fromkeys(ids))
        found: dict[str, ArxivEntry] = {}
        for start in range(0, len(ids), self.batch_size):
            batch = ids[start : start + self.batch_size]
            for entry in self._run(arxiv.Search(id_list=batch, max_results=len(batch))):
                found[entry.arxiv_id] = entry
        return found

    def search(self, query: str, *, max_results: int = 50) -> list[ArxivEntry]:
        """The newest submissions matching `query` (arXiv search_query syntax)."""
        search = arxiv.Search(
            query=query,
            max_results=max_results,
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Descending,
        )
        return self._run(search)

    def _run(self, search: arxiv.Search) -> list[ArxivEntry]:
        with self._lock:
            # One page per search when it fits: ask for no more results than wanted.
            self.client.page_size = min(search.max_results or self.batch_size, self.batch_size)
            try:
                return [entry_from_result(result) for result in self.client.results(search)]
            except requests.Timeout as exc:
                raise ArxivUnavailable(f"arXiv did not answer within {self.timeout:g} s.") from exc
            except requests.ConnectionError as exc:
                raise ArxivUnavailable(f"Could not reach arXiv at {self.api_url}: {exc}") from exc
            except arxiv.UnexpectedEmptyPageError as exc:
                raise ArxivUnavailable("arXiv sent an unexpectedly empty page of results.") from exc
            except arxiv.HTTPError as exc:  # not reached while _check_reply runs first; kept for safety
                raise ArxivUnavailable(str(exc)) from exc
            except requests.RequestException as exc:
                raise ArxivUnavailable(f"Request to arXiv failed: {exc}") from exc

    def _check_reply(self, response: requests.Response, *args, **kwargs) -> None:
        self.requests_made += 1
        status = response.status_code
        body = response.content
        if status == 429 or status >= 500 or body.lstrip().startswith(b"Rate exceeded"):
            raise ArxivUnavailable(f"arXiv answered HTTP {status}.", retry_after=_retry_after(response))
        if status != 200:
            snippet = normalize_space(body[:200].decode("utf-8", "replace"))
            raise ArxivBadReply(f"arXiv answered HTTP {status}: {snippet}")
        if not body.strip():
            raise ArxivUnavailable("arXiv sent an empty reply.")
        try:
            ElementTree.fromstring(body)
        except ElementTree.ParseError as exc:
            raise ArxivBadReply(f"arXiv sent malformed XML ({exc}).") from exc


def _retry_after(response: requests.Response) -> float | None:
    """Seconds arXiv asks us to wait (Retry-After: seconds or an HTTP date), if it says."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(when.tzinfo)).total_seconds())
