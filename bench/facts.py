"""The evaluation-facts reads at 100,000 papers on PostgreSQL: GET /api/match/ and GET /api/results/.

Prints p50/p95 of each request through the Django test client (whole request: parsing, queries, scoring,
serialization; caches off), beside the database's share of the same work: the very SQL statements the
request ran, captured and re-run on a cursor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heterogpu_bench python bench/facts.py [--papers 100000]

It fills the given database (migrating it first, then the papers of bench/search.py) when it holds fewer
papers than asked, and gives every synthetic paper setups, GPU rows, results and baselines; use a database
of its own.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("API_ANON_RATE", "100000000/minute")
os.environ["API_CACHE_SECONDS"] = "0"
os.environ["FACET_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.search import _ok, generate, percentiles  # noqa: E402
from papers.models import Paper  # noqa: E402
from taxonomy.catalogue import load_catalogue  # noqa: E402
from taxonomy.models import Baseline, Evaluation, GpuType, Result, Setup, SetupGpu  # noqa: E402

LINKS = ["Ethernet 10Gbps", "InfiniBand 200Gbps", "RoCE 100Gbps", "WAN 500Mbps", "NVLink (intra-node)", "PCIe"]
COUNTS = [1, 2, 4, 8, 8, 16, 16, 32, 64, 128, 512]
SYSTEMS = ["Megatron-LM", "DeepSpeed (ZeRO)", "HexGen", "Petals", "Alpa", "vLLM", "Varuna", "PipeDream"]
METRICS = [("throughput", "x"), ("training-time", "%"), ("cost", "%"), ("latency", "x"), ("jct", "x")]

MATCH = [
    "/api/match/?gpus=A100:8,V100:16&interconnect=ethernet",
    "/api/match/?gpus=H100:64&interconnect=infiniband&workload=training",
    "/api/match/?gpus=T4:12,L4:8,A100:4",
    "/api/match/?gpus=RTX-3090:4&interconnect=wan&page=3",
    "/api/match/?gpus=MI250X:16,A100-80GB:16&workload=inference",
]
RESULTS = [
    "/api/results/",
    "/api/results/?metric=throughput&ordering=-value",
    "/api/results/?gpu=A100&min_gpus=16",
    "/api/results/?vendor=amd&year_min=2022",
    "/api/results/?category=inter-pipeline&workload=training&ordering=-year",
    "/api/results/?baseline=megatron&simulated=false&page=2",
]


def add_facts(rng: random.Random) -> None:
    """Setups (1-3, each 1-3 GPU rows), an evaluation, 1-2 results and 1-3 baselines per synthetic paper."""
    todo = list(
        Paper.objects.filter(citation_key__startswith="synthetic", setups__isnull=True).values_list("pk", flat=True)
    )
    if not todo:
        return
    gpus = list(GpuType.objects.values_list("pk", flat=True))
    catalogue = list(Paper.objects.exclude(citation_key__startswith="synthetic").values_list("pk", flat=True))
    for start in range(0, len(todo), 5000):
        chunk = todo[start : start + 5000]
        with transaction.atomic():
            setups = [
                Setup(
                    paper_id=pk,
                    position=n,
                    interconnect=rng.sample(LINKS, rng.randint(0, 2)),
                    simulated=rng.random() < 0.1,
                )
                for pk in chunk
                for n in range(rng.randint(1, 3))
            ]
            Setup.objects.bulk_create(setups)
            SetupGpu.objects.bulk_create(
                SetupGpu(setup=setup, gpu_type_id=gpu_type, count=rng.choice(COUNTS), position=n)
                for setup in setups
                for n, gpu_type in enumerate(rng.sample(gpus, rng.randint(1, 3)))
            )
            Evaluation.objects.bulk_create(
                Evaluation(paper_id=pk, open_source=rng.random() < 0.4, max_gpus=rng.choice([None, *COUNTS]))
                for pk in chunk
            )
            Result.objects.bulk_create(
                Result(
                    paper_id=pk,
                    position=n,
                    metric=metric,
                    unit=unit,
                    value=round(rng.uniform(1.05, 8.0), 2),
                    kind=rng.choice(["up-to", "average", ""]),
                    versus=rng.choice(SYSTEMS),
                    baseline_paper_id=rng.choice(catalogue) if rng.random() < 0.1 else None,
                    evidence="abstract",
                )
                for pk in chunk
                for n, (metric, unit) in enumerate(rng.sample(METRICS, rng.randint(1, 2)))
            )
            Baseline.objects.bulk_create(
                Baseline(
                    paper_id=pk,
                    position=n,
                    name=name,
                    baseline_paper_id=rng.choice(catalogue) if rng.random() < 0.2 else None,
                )
                for pk in chunk
                for n, name in enumerate(rng.sample(SYSTEMS, rng.randint(1, 3)))
            )
        print(f"  facts for {start + len(chunk)} papers", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """(request ms, ms of its own SQL re-run raw) for `repeat` runs of `url`."""
    _ok(client.get(url))  # warm up
    app, sql = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            _ok(client.get(url))
            app.append((time.perf_counter() - started) * 1000)
        statements = [query["sql"] for query in captured.captured_queries]
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                if cursor.description:
                    cursor.fetchall()
        sql.append((time.perf_counter() - started) * 1000)
    return app, sql


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per URL")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: this benchmark measures production reads.")
    assert not settings.API_CACHE_SECONDS and not settings.FACET_CACHE_SECONDS, "caches must be off"
    call_command("migrate", verbosity=0)
    load_catalogue()
    generate(args.papers)
    add_facts(random.Random(7))
    client = Client()

    counts = f"{Paper.objects.count()} papers, {Setup.objects.count()} setups, {Result.objects.count()} results"
    print(f"\n{counts}; {args.repeat} runs each; load average {os.getloadavg()[0]:.2f}")
    print(f"{'URL':72} {'app p50':>8} {'p95':>8} {'SQL p50':>8} {'p95':>8}")
    for name, urls in (("match", MATCH), ("results", RESULTS)):
        all_app, all_sql = [], []
        for url in urls:
            app, sql = measure(client, url, args.repeat)
            all_app += app
            all_sql += sql
            print(
                f"{url:72} {percentiles(app)[0]:8.1f} {percentiles(app)[1]:8.1f} "
                f"{percentiles(sql)[0]:8.1f} {percentiles(sql)[1]:8.1f}"
            )
        (a50, a95), (s50, s95) = percentiles(all_app), percentiles(all_sql)
        print(f"{'all /api/' + name + '/ (ms)':72} {a50:8.1f} {a95:8.1f} {s50:8.1f} {s95:8.1f}\n")

    # Match keeps the setups' facts per process under the catalogue generation for FACET_CACHE_SECONDS (what a
    # server does between writes); the figures above re-read them on every request.
    settings.FACET_CACHE_SECONDS = 300
    warm = [sample for url in MATCH for sample in measure(client, url, args.repeat)[0]]
    print(
        f"{'all /api/match/ with the setup facts kept per process (ms)':72} {percentiles(warm)[0]:8.1f} "
        f"{percentiles(warm)[1]:8.1f}"
    )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
