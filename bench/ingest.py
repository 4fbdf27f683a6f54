"""Ingestion benchmark: BibTeX import throughput, and requests made to fetch 1,000 arXiv ids.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heterogpu .venv/bin/python bench/ingest.py [--entries 10000]

Works in a throw-away test database (test_<name>), created and dropped here; the real one is untouched.
Targets: >= 2,000 entries/s end to end into PostgreSQL; <= 10 requests for 1,000 arXiv ids.
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
from django.db import connection  # noqa: E402

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


def generate_bib(n: int, seed: int = 4) -> str:
    """n distinct entries shaped like DBLP's: 2-8 authors, some LaTeX, DOIs, eprints, pages, @string venues."""
    rng = random.Random(seed)
    blocks = ['@string{atc = "USENIX Annual Technical Conference"}']
    for i in range(n):
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


def bench_bibtex(n: int) -> None:
    from papers import ingestion
    from papers.models import Paper

    text = generate_bib(n)
    started = time.perf_counter()
    run = ingestion.import_bibtex(text=text)
    elapsed = time.perf_counter() - started
    assert run.state == "done", run.error
    print(
        f"BibTeX import of {n:,} new entries ({len(text) / 1e6:.1f} MB): {elapsed:.2f} s, {n / elapsed:,.0f} entries/s"
    )
    print(f"  outcomes: {run.counts}; papers stored: {Paper.objects.count():,}")
    started = time.perf_counter()
    again = ingestion.import_bibtex(text=text)
    elapsed = time.perf_counter() - started
    print(f"Re-import of the same file (all unchanged): {elapsed:.2f} s, {n / elapsed:,.0f} entries/s")
    print(f"  outcomes: {again.counts}")


def bench_arxiv(n: int) -> None:
    from papers import ingestion
    from papers.ingest.arxiv import ArxivAPI
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
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench_bibtex(args.entries)
        bench_arxiv(args.arxiv_ids)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
