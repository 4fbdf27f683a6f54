"""A stand-in for the arXiv query API on 127.0.0.1: serves the recorded Atom replies in tests/data/arxiv/.

Replies follow the format of the arXiv API user manual (Atom 1.0 with opensearch and arxiv extension
elements). Tests start it in a thread and script failures; the offline demo runs it as a script:

    .venv/bin/python tests/data/fake_arxiv.py --port 8765
    ARXIV_API_URL=http://127.0.0.1:8765/api/query .venv/bin/python manage.py fetch_arxiv 2005.14038

Ids without a recorded entry are answered with no entry (arXiv's reply for an unknown id), or, with
`synthesize=True` (`--synthesize`), with a clearly synthetic entry: used for batches of hundreds of ids.
"""

import argparse
import re
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from textwrap import wrap
from urllib.parse import parse_qs, quote, urlsplit
from xml.sax.saxutils import escape, quoteattr

DATA_DIR = Path(__file__).resolve().parent / "arxiv"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
_ENTRY_RE = re.compile(r"<entry>.*?</entry>", re.DOTALL)
_ENTRY_ID_RE = re.compile(r"<id>https?://arxiv\.org/abs/(.+?)(?:v(\d+))?</id>")
_VALID_ID_RE = re.compile(r"^(\d{4}\.\d{4,5}|[a-z][a-z\-]*(\.[A-Z]{2})?/\d{7})(v\d+)?$", re.IGNORECASE)


def _wrapped(text: str, indent: str = "  ") -> str:
    """arXiv hard-wraps titles and summaries; clients must normalise the whitespace."""
    return f"\n{indent}".join(wrap(escape(text), 76, break_on_hyphens=False, break_long_words=False))


def atom_entry(
    *,
    arxiv_id: str,
    version: int,
    title: str,
    summary: str,
    authors: list[str],
    published: str,
    updated: str | None = None,
    primary_category: str | None = None,
    categories: tuple[str, ...] = (),
    doi: str | None = None,
    journal_ref: str | None = None,
    comment: str | None = None,
) -> str:
    """One <entry> laid out as in the arXiv API user manual's example."""
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{arxiv_id}v{version}</id>",
        f"    <published>{published}</published>",
        f"    <updated>{updated or published}</updated>",
        f"    <title>{_wrapped(title)}</title>",
        f"    <summary>  {_wrapped(summary, indent='')}\n</summary>",
    ]
    for name in authors:
        lines += ["    <author>", f"      <name>{escape(name)}</name>", "    </author>"]
    if doi:
        lines.append(f'    <arxiv:doi xmlns:arxiv="{ARXIV_NS}">{escape(doi)}</arxiv:doi>')
        lines.append(f'    <link title="doi" href={quoteattr("http://dx.doi.org/" + doi)} rel="related"/>')
    if comment:
        lines.append(f'    <arxiv:comment xmlns:arxiv="{ARXIV_NS}">{escape(comment)}</arxiv:comment>')
    if journal_ref:
        lines.append(f'    <arxiv:journal_ref xmlns:arxiv="{ARXIV_NS}">{escape(journal_ref)}</arxiv:journal_ref>')
    lines.append(f'    <link href="http://arxiv.org/abs/{arxiv_id}v{version}" rel="alternate" type="text/html"/>')
    lines.append(
        f'    <link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}v{version}" rel="related" type="application/pdf"/>'
    )
    if primary_category:
        lines.append(
            f'    <arxiv:primary_category xmlns:arxiv="{ARXIV_NS}" term="{primary_category}" scheme="{ARXIV_NS}"/>'
        )
    for category in categories:
        lines.append(f'    <category term="{category}" scheme="{ARXIV_NS}"/>')
    lines.append("  </entry>")
    return "\n".join(lines)


def atom_feed(
    entries: list[str],
    *,
    query: str = "",
    id_list: str = "",
    start: int = 0,
    max_results: int = 10,
    total: int | None = None,
    updated: str | None = None,
) -> str:
    """A whole reply: feed metadata, opensearch counts, then the entries."""
    args = f"search_query={query}&id_list={id_list}&start={start}&max_results={max_results}"
    now = updated or datetime.now(UTC).strftime("%Y-%m-%dT00:00:00-04:00")
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f'  <link href="http://arxiv.org/api/query?{quote(args, safe="")}" rel="self" type="application/atom+xml"/>',
        f'  <title type="html">ArXiv Query: {escape(args)}</title>',
        "  <id>http://arxiv.org/api/fake-feed-id</id>",
        f"  <updated>{now}</updated>",
        f'  <opensearch:totalResults xmlns:opensearch="{OPENSEARCH_NS}">'
        f"{len(entries) if total is None else total}</opensearch:totalResults>",
        f'  <opensearch:startIndex xmlns:opensearch="{OPENSEARCH_NS}">{start}</opensearch:startIndex>',
        f'  <opensearch:itemsPerPage xmlns:opensearch="{OPENSEARCH_NS}">{max_results}</opensearch:itemsPerPage>',
    ]
    return "\n".join([*head, *entries, "</feed>", ""])


def synthetic_entry(arxiv_id: str) -> str:
    """An obviously made-up entry for ids with no recorded reply (batch and benchmark tests)."""
    return atom_entry(
        arxiv_id=arxiv_id,
        version=1,
        title=f"Synthetic test entry {arxiv_id}",
        summary="Generated by tests/data/fake_arxiv.py; not a real paper.",
        authors=["Test Author"],
        published="2024-01-01T00:00:00Z",
        primary_category="cs.DC",
        categories=("cs.DC", "cs.LG"),
    )


@dataclass
class Reply:
    """A scripted answer for the next request: an HTTP status and body, and/or a delay before answering."""

    status: int = 200
    body: bytes | None = None  # None: the normal reply
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()


class FakeArxiv:
    def __init__(self, data_dir: Path = DATA_DIR, *, synthesize: bool = False):
        self.synthesize = synthesize
        self.entries: dict[str, dict[int, str]] = {}  # id -> version -> <entry> XML
        # id -> the version served. Default: the lowest recorded, so a test can "release" a newer one.
        self.pinned: dict[str, int] = {}
        self.search_results: list[str] | None = None  # ids a search_query returns (default: all)
        self.script: deque[Reply] = deque()
        self.requests: list[dict[str, list[str]]] = []
        for path in sorted(Path(data_dir).glob("*.xml")):
            self.add_feed(path.read_text(encoding="utf-8"))
        self._server: ThreadingHTTPServer | None = None

    def add_feed(self, xml: str) -> None:
        for entry in _ENTRY_RE.findall(xml):
            self.add_entry(entry)

    def add_entry(self, entry: str) -> None:
        match = _ENTRY_ID_RE.search(entry)
        self.entries.setdefault(match.group(1), {})[int(match.group(2) or 1)] = "  " + entry

    def entry(self, arxiv_id: str) -> str | None:
        bare = re.sub(r"v\d+$", "", arxiv_id)
        versions = self.entries.get(bare)
        if versions:
            return versions[self.pinned.get(bare, min(versions))]
        if self.synthesize and _VALID_ID_RE.match(arxiv_id):
            return synthetic_entry(bare)
        return None

    def serve_version(self, arxiv_id: str, version: int) -> None:
        """From now on answer with this recorded version (e.g. HetHub v2 after v1)."""
        self.pinned[arxiv_id] = version

    def reply(self, query: dict[str, list[str]]) -> bytes:
        id_list = [i for i in ",".join(query.get("id_list", [""])).split(",") if i]
        search = query.get("search_query", [""])[0]
        start = int(query.get("start", ["0"])[0])
        max_results = int(query.get("max_results", ["10"])[0])
        if id_list:
            matches = [e for e in (self.entry(i) for i in id_list) if e]
        else:
            ids = self.search_results if self.search_results is not None else list(self.entries)
            matches = [e for e in (self.entry(i) for i in ids) if e]
        page = matches[start : start + max_results]
        return atom_feed(
            page, query=search, id_list=",".join(id_list), start=start, max_results=max_results, total=len(matches)
        ).encode()

    # --- serving -------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/query"

    def start(self, port: int = 0) -> "FakeArxiv":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path != "/api/query":
                    self.send_error(404)
                    return
                query = parse_qs(parts.query, keep_blank_values=True)
                fake.requests.append(query)
                scripted = fake.script.popleft() if fake.script else Reply()
                if scripted.delay:
                    time.sleep(scripted.delay)
                body = scripted.body if scripted.body is not None else fake.reply(query)
                try:
                    self.send_response(scripted.status)
                    self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in scripted.headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left: that is the point of a slow reply

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def serve_for_tests(settings, **options):
    """Body of a pytest fixture: a fake arXiv on a free port, with settings pointing at it and no pauses.

    @pytest.fixture
    def arxiv(settings):
        yield from serve_for_tests(settings)
    """
    with FakeArxiv(**options) as fake:
        settings.ARXIV_API_URL = fake.url
        settings.ARXIV_DELAY_SECONDS = 0
        settings.ARXIV_RETRY_BACKOFF_SECONDS = 0
        settings.ARXIV_TIMEOUT_SECONDS = 0.5
        yield fake


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Serve recorded arXiv API replies on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="directory of recorded Atom replies")
    parser.add_argument("--synthesize", action="store_true", help="answer unknown ids with synthetic entries")
    parser.add_argument("--latest", action="store_true", help="serve the newest recorded version of each paper")
    args = parser.parse_args(argv)
    fake = FakeArxiv(args.data, synthesize=args.synthesize)
    if args.latest:
        fake.pinned = {arxiv_id: max(versions) for arxiv_id, versions in fake.entries.items()}
    fake.start(args.port)
    print(f"Fake arXiv API on {fake.url} ({len(fake.entries)} papers); Ctrl-C stops it.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    sys.exit(main())
