"""Search latency at 100,000 papers on PostgreSQL.

Prints p50/p95 of GET /api/papers/?q=... (Django test client, whole request: search, count, facets,
serialization) for 50 fixed queries, beside the same queries as raw SQL against the tsvector index
and as a naive icontains scan.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heterogpu_bench python bench/search.py [--papers 100000]

It fills the given database (migrating it first) when it holds fewer papers than asked; use a
database of its own.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("API_ANON_RATE", "100000000/minute")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402

from papers.models import Author, Authorship, Paper  # noqa: E402
from taxonomy.catalogue import load_catalogue  # noqa: E402
from taxonomy.models import Category, DimensionValue, Placement, Term  # noqa: E402

WORDS = (
    "heterogeneous gpu training inference pipeline parallel tensor data cluster scheduling serving memory "
    "bandwidth network latency throughput model large language transformer expert mixture partition layer "
    "placement cost search planner adaptive elastic fault tolerant spot preemptible decentralized geo "
    "distributed communication compression quantization offloading kernel batch optimizer gradient "
    "synchronization asynchronous staleness straggler balance load allocation"
).split()
RARE = ("zorblax quintessa hyperflux nebulon vantix cryovex").split()
NAMES = ("Li Wang Zhang Chen Liu Park Kim Jang Smith Garcia Mei Yuan Jia Xu Xue Narayanan Zaharia Stoica").split()
VENUES = ["OSDI", "SOSP", "NSDI", "EuroSys", "ASPLOS", "ATC", "MLSys", "NeurIPS", "ICML", "SC", "arXiv"]

QUERIES = [
    # one word
    "heterogeneous",
    "pipeline",
    "scheduling",
    "serving",
    "quantization",
    "straggler",
    "zorblax",
    "hetpipe",
    "oobleck",
    "helix",
    "bandwidth",
    "elastic",
    "expert",
    "spot",
    "compression",
    # two words
    "pipeline parallel",
    "heterogeneous gpu",
    "cluster scheduling",
    "fault tolerant",
    "language model",
    "geo distributed",
    "load balance",
    "memory offloading",
    "tensor parallel",
    "mixture expert",
    "gradient compression",
    "adaptive batch",
    "layer placement",
    "cost search",
    "nebulon gpu",
    # three words
    "heterogeneous pipeline training",
    "large language serving",
    "decentralized training network",
    "elastic spot training",
    "expert parallel inference",
    "max flow serving",
    "planner cost model",
    '"pipeline parallel" training',
    "gpu -pipeline scheduling",
    "quantization or compression",
    # one typo each
    "hetrogeneous",
    "schedulling",
    "pipelne",
    "Oobleek",
    "serveing",
    # with a filter
    "training&category=intra-pipeline",
    "serving&workload=inference",
    "pipeline&year_min=2023",
    "gpu&technique=ilp",
    "scheduling&has_code=true",
]


def generate(total: int) -> None:
    """Bulk-create synthetic papers with authors, placements and technique values."""
    existing = Paper.objects.count()
    if existing >= total:
        return
    rng = random.Random(42)
    categories = list(Category.objects.all())
    techniques = list(Term.objects.filter(dimension__slug="technique"))
    workloads = list(Term.objects.filter(dimension__slug="workload"))
    authors = Author.objects.bulk_create(
        [Author(family_name=f"{rng.choice(NAMES)}{n}", given_name=rng.choice(NAMES)) for n in range(5000)],
        ignore_conflicts=True,
    )
    authors = list(Author.objects.all())
    batch = 5000
    for start in range(existing, total, batch):
        with transaction.atomic():
            papers = []
            for n in range(start, min(total, start + batch)):
                words = rng.sample(WORDS, 8) + ([rng.choice(RARE)] if rng.random() < 0.002 else [])
                papers.append(
                    Paper(
                        citation_key=f"synthetic{n}",
                        title=" ".join(w.capitalize() for w in words[:6]),
                        abstract=" ".join(rng.choices(WORDS, k=60)) + " " + " ".join(words[6:]),
                        year=rng.randint(2015, 2025),
                        venue_short=f"{rng.choice(VENUES)} {rng.randint(2015, 2025)}",
                        code_url="https://example.org/code" if rng.random() < 0.3 else "",
                    )
                )
            Paper.objects.bulk_create(papers)
            created = list(Paper.objects.filter(citation_key__in=[p.citation_key for p in papers]))
            Authorship.objects.bulk_create(
                Authorship(paper=paper, author=author, position=i)
                for paper in created
                for i, author in enumerate(rng.sample(authors, 3), 1)
            )
            Placement.objects.bulk_create(Placement(paper=paper, category=rng.choice(categories)) for paper in created)
            DimensionValue.objects.bulk_create(
                DimensionValue(paper=paper, dimension_id=term.dimension_id, term=term)
                for paper in created
                for term in (rng.choice(techniques), rng.choice(workloads))
            )
        print(f"  generated {min(total, start + batch)} papers", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


RAW_SQL = """
SELECT id, ts_rank(search_vector, q) AS rank
FROM papers_paper, websearch_to_tsquery('english', %s) q
WHERE status = 'public' AND search_vector @@ q
ORDER BY rank DESC LIMIT 20
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: this benchmark measures the PostgreSQL search.")
    call_command("migrate", verbosity=0)
    load_catalogue()
    generate(args.papers)
    client = Client()

    api, raw, naive = [], [], []
    for query in QUERIES:
        text, _, filters = query.partition("&")
        url = f"/api/papers/?q={text}" + (f"&{filters}" if filters else "")
        api += timed(lambda url=url: _ok(client.get(url)), args.repeat)

        def raw_sql(text=text):
            with connection.cursor() as cursor:
                cursor.execute(RAW_SQL, [text])
                cursor.fetchall()

        raw += timed(raw_sql, args.repeat)
        words = text.replace('"', "").replace("-", " ").split()

        def scan(words=words):
            condition = Q()
            for word in words:
                condition &= Q(title__icontains=word) | Q(abstract__icontains=word)
            queryset = Paper.objects.public().filter(condition)
            queryset.count()
            list(queryset.order_by("-year")[:20])

        naive += timed(scan, max(1, args.repeat // 2))

    papers = Paper.objects.count()
    rows = [("API GET /api/papers/?q=", api), ("raw SQL (tsvector + GIN)", raw), ("naive icontains scan", naive)]
    print(f"\nSearch latency, {papers} papers, {len(QUERIES)} queries x {args.repeat} runs (ms)")
    print(f"{'path':32} {'p50':>8} {'p95':>8}")
    for name, samples in rows:
        p50, p95 = percentiles(samples)
        print(f"{name:32} {p50:8.1f} {p95:8.1f}")
    api_p95, raw_p95, naive_p95 = (percentiles(s)[1] for s in (api, raw, naive))
    print(f"\nAPI p95 / raw p95 = {api_p95 / raw_p95:.1f}x; naive p95 / API p95 = {naive_p95 / api_p95:.1f}x")


def _ok(response):
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code} for {response.request['QUERY_STRING']}: {response.content[:200]}")
    return response


if __name__ == "__main__":
    main()
