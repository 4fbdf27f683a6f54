"""Ingestion benchmark: BibTeX import throughput, and requests made to fetch 1,000 arXiv ids.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heterogpu .venv/bin/python bench/ingest.py [--entries 10000]

Works in a throw-away test database (test_<name>), created and dropped here; the real one is untouched.
Targets: >= 2,000 entries/s end to end into PostgreSQL; <= 10 requests for 1,000 arXiv ids.
Beside the app's figures it prints two floors measured in the same run: bibtexparser splitting the
text alone, and the database storing the same rows with one INSERT ... SELECT per table.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402

FAMILIES = ["Park", "Müller", "Ré", "van der Berg", "Zhang", "O'Brien", "Goiri", "Nguyen", "Choi", "Łukasz"]
GIVEN = ["Jay H.", "Jörg", "Christopher", "Piet", "Hao", "Seán", "Íñigo", "Nguyen T.", "Young-ri", "Ada"]
WORDS = ["heterogeneous", "GPU", "pipeline", "training", "inference", "cluster", "scheduling", "parallelism", "memory"]


def latex(name: str) -> str:
    return (
        name.replace("ü", '{\\"u}')
        .replace("é", "{\\'e}")
        .replace("ö", '{\\"o}')
        .replace("á", "{\\'a}")
        .replace("Í", "{\\'I}")
        .replace("ñ", "{\\~n}")
        .replace("Ł", "{\\L}")
    )


def generate_bib(n: int, seed: int = 4, start: int = 0) -> str:
    """n distinct entries shaped like DBLP's: 2-8 authors, some LaTeX, DOIs, eprints, pages, @string venues."""
    rng = random.Random(seed)
    blocks = ['@string{atc = "USENIX Annual Technical Conference"}']
    for i in range(start, start + n):
        authors = " and ".join(
            f"{latex(rng.choice(FAMILIES))}, {latex(rng.choice(GIVEN))}" for _ in range(rng.randint(2, 8))
        )
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9)))
        title = f"{{Sys{i}}}: {words.capitalize()} on {{GPU}} clusters, part {i}"
        kind = rng.choice(["inproceedings", "article", "misc"])
        venue = {"inproceedings": "booktitle = atc", "article": "journal = {Journal of Systems}", "misc": ""}[kind]
        fields = [f"author = {{{authors}}}", f"title = {{{title}}}", f"year = {rng.randint(2015, 2025)}"]
        if venue:
            fields.append(venue)
        if kind != "misc":
            fields += [f"pages = {{{i}--{i + 12}}}", f"doi = {{10.5555/bench.{i}}}"]
        if kind != "article":
            fields += [f"eprint = {{{2300 + i // 90000}.{i % 90000:05d}}}", "archivePrefix = {arXiv}"]
        blocks.append(f"@{kind}{{bench{i},\n  " + ",\n  ".join(fields) + "\n}")
    return "\n\n".join(blocks) + "\n"


def rate(n: int, seconds: float) -> str:
    return f"{seconds:.2f} s, {n / seconds:,.0f} entries/s"


def timed_import(text: str):
    from papers import ingestion

    started = time.perf_counter()
    run = ingestion.import_bibtex(text=text)
    elapsed = time.perf_counter() - started
    assert run.state == "done", run.error
    return run, elapsed


def bench_bibtex(n: int) -> None:
    import bibtexparser

    from papers.models import Paper

    text = generate_bib(n)
    run, elapsed = timed_import(text)
    print(f"BibTeX import of {n:,} new entries ({len(text) / 1e6:.1f} MB) into an empty catalogue: {rate(n, elapsed)}")
    print(f"  outcomes: {run.counts}; papers stored: {Paper.objects.count():,}")
    again, elapsed = timed_import(text)
    print(f"Re-import of the same file (all unchanged): {rate(n, elapsed)}")
    print(f"  outcomes: {again.counts}")
    more = generate_bib(n, seed=5, start=n)
    run, elapsed = timed_import(more)
    print(f"{n:,} other new entries into the catalogue of {n:,}: {rate(n, elapsed)}")
    print(f"  outcomes: {run.counts}; papers stored: {Paper.objects.count():,}")

    started = time.perf_counter()
    bibtexparser.parse_string(text, parse_stack=[])
    print(f"Floor, bibtexparser splitting the same text alone: {rate(n, time.perf_counter() - started)}")
    if connection.vendor == "postgresql":
        print(f"Floor, PostgreSQL copying the stored rows with INSERT ... SELECT: {rate(n, raw_insert_seconds(n))}")


def raw_insert_seconds(n: int) -> float:
    """The database's share: the first import's papers and authorships stored once more by plain SQL
    (new keys and identifiers), with the same indexes, triggers and constraint checks, in one transaction."""
    from papers.models import Paper

    columns = [f.column for f in Paper._meta.concrete_fields if f.column not in ("id", "search_vector")]
    renamed = {"citation_key": "'raw' || citation_key", "doi": "'raw' || doi", "arxiv_id": "'raw' || arxiv_id"}
    select = ", ".join(renamed.get(column, column) for column in columns)
    first = list(Paper.objects.order_by("pk").values_list("pk", flat=True)[:n])  # the first import's papers
    low, high = first[0], first[-1]
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM papers_paper")
        shift = cursor.fetchone()[0] - low + 1
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Authorships first, as the importer writes them: each paper's search vector is computed once.
        cursor.execute(
            "INSERT INTO papers_authorship (paper_id, author_id, position) "
            "SELECT paper_id + %s, author_id, position FROM papers_authorship WHERE paper_id BETWEEN %s AND %s",
            [shift, low, high],
        )
        cursor.execute(
            f"INSERT INTO papers_paper (id, {', '.join(columns)}) SELECT id + %s, {select} FROM papers_paper "
            "WHERE id BETWEEN %s AND %s",
            [shift, low, high],
        )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:  # later inserts draw ids past the copies
        cursor.execute("SELECT setval(pg_get_serial_sequence('papers_paper', 'id'), max(id)) FROM papers_paper")
    return elapsed


def bench_arxiv(n: int) -> None:
    from papers import ingestion
    from papers.ingestion.arxiv import ArxivAPI
    from tests.data.fake_arxiv import FakeArxiv

    ids = [f"2402.{i:05d}" for i in range(n)]
    with FakeArxiv(synthesize=True) as fake:
        api = ArxivAPI(api_url=fake.url, delay_seconds=0, timeout=30, batch_size=settings.ARXIV_BATCH_SIZE)
        started = time.perf_counter()
        run = ingestion.fetch_arxiv(ids=ids, api=api)
        elapsed = time.perf_counter() - started
    print(
        f"arXiv fetch of {n:,} ids: {run.requests_made} requests (batches of {settings.ARXIV_BATCH_SIZE}), "
        f"{run.created_count:,} created, {elapsed:.2f} s against a loopback server "
        f"(+ {settings.ARXIV_DELAY_SECONDS:g} s pause between requests against arXiv)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="BibTeX entries to generate (default 10,000)")
    parser.add_argument("--arxiv-ids", type=int, default=1_000, help="arXiv ids to fetch (default 1,000)")
    args = parser.parse_args()
    print(f"Database: {connection.vendor} ({settings.DATABASES['default']['NAME']} -> a test copy)")
    if connection.vendor != "postgresql":
        print("  (the target is for PostgreSQL: set DATABASE_URL)")
    # Only the figures: the per-run and per-request log lines would bury them.
    import logging

    logging.getLogger("papers").setLevel(logging.WARNING)
    logging.getLogger("arxiv").setLevel(logging.WARNING)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench_bibtex(args.entries)
        bench_arxiv(args.arxiv_ids)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
