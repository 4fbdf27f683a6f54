"""GET /api/results/: the ledger as paged JSON and as CSV, Markdown and LaTeX, its errors and its schema."""

import csv
import io

import pytest

from taxonomy.models import GpuType, Result, Setup, SetupGpu
from tests.factories import make_paper
from tests.taxonomy.test_results import build_ledger

pytestmark = pytest.mark.django_db
URL = "/api/results/"


@pytest.fixture
def ledger():
    return build_ledger()


def test_pages_like_the_paper_list(api, ledger):
    body = api.get(URL, {"page_size": 3}).json()
    assert body["count"] == 8 and len(body["results"]) == 3 and body["next"].endswith("page=2&page_size=3")
    first = body["results"][0]
    assert first["paper"] == {"citation_key": "wordy2025", "title": "Wordy", "year": 2025}
    assert first["value"] is None and first["value_text"] == "near-full utilisation"
    assert api.get(URL, {"page": 3, "page_size": 3}).json()["count"] == 8


@pytest.mark.parametrize(
    "params,param",
    [
        ({"page_size": 101}, "page_size"),
        ({"page": "zero"}, "page"),
        ({"metric": "speed"}, "metric"),
        ({"gpu": "H9000"}, "gpu"),
        ({"vendor": "Intel"}, "vendor"),
        ({"category": "nope"}, "category"),
        ({"workload": "nope"}, "workload"),
        ({"year_min": "1800"}, "year_min"),
        ({"min_gpus": "ten"}, "min_gpus"),
        ({"min_gpus": "8", "max_gpus": "4"}, "min_gpus"),
        ({"simulated": "perhaps"}, "simulated"),
        ({"ordering": "title"}, "ordering"),
        ({"format": "xlsx"}, "format"),
        ({"format": "csv", "metric": "speed"}, "metric"),  # an export's error is JSON too
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(api, ledger, params, param):
    response = api.get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert list(response.json()) == [param] and response.json()[param][0]


def test_a100_finds_both_memory_variants(api, ledger):
    body = api.get(URL, {"gpu": "A100", "metric": "throughput"}).json()
    assert {row["paper"]["citation_key"] for row in body["results"]} == {"mixed2019", "big2022"}
    setups = [s["gpus"] for row in body["results"] for s in row["paper_setups"]]
    assert "64×A100-80GB" in setups and "8×A100-40GB + 8×V100" in setups


def test_baseline_paper_is_linked(api, ledger):
    rows = api.get(URL, {"baseline": "mixed2019"}).json()["results"]
    assert [row["baseline_paper"]["citation_key"] for row in rows] == ["mixed2019"]


def test_csv_holds_every_filtered_row_not_one_page(api, ledger):
    response = api.get(URL, {"format": "csv", "page_size": 1, "vendor": "nvidia"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="results.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    json_rows = api.get(URL, {"vendor": "nvidia", "page_size": 100}).json()["results"]
    assert [r["Citation key"] for r in rows] == [r["paper"]["citation_key"] for r in json_rows]
    assert len(rows) == 5


def test_markdown_by_accept_header_and_latex_by_format(api, ledger):
    markdown = api.get(URL, {"metric": "cost"}, HTTP_ACCEPT="text/markdown")
    assert markdown["Content-Type"].startswith("text/markdown")
    assert markdown.content.decode().count("\n") == 2 + 2
    latex = api.get(URL, {"metric": "cost", "format": "tex"})
    assert latex["Content-Type"].startswith("application/x-latex")
    assert latex.content.decode().startswith("\\begin{longtable}")


def test_schema_documents_every_parameter_with_its_bounds(api, db):
    schema = api.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert set(parameters) == {
        "metric", "gpu", "vendor", "category", "workload", "baseline", "year_min", "year_max",
        "min_gpus", "max_gpus", "simulated", "ordering", "format", "page", "page_size",
    }  # fmt: skip
    assert parameters["year_min"] == {"type": "integer", "minimum": 1900, "maximum": 2100}
    assert parameters["max_gpus"] == {"type": "integer", "minimum": 1, "maximum": 1_000_000}
    assert parameters["page_size"]["maximum"] == 100 and parameters["page"]["minimum"] == 1
    assert parameters["baseline"]["maxLength"] == 200
    assert set(parameters["metric"]["enum"]) == set(Result.Metric.values)
    assert set(parameters["ordering"]["enum"]) == {"year", "-year", "value", "-value"}
    assert set(parameters["format"]["enum"]) == {"json", "csv", "md", "tex"}


def _more_papers(n: int) -> None:
    gpu = GpuType.objects.get(name="A100-80GB")
    for index in range(n):
        paper = make_paper(citation_key=f"extra{index}", year=2021)
        setup = Setup.objects.create(paper=paper)
        SetupGpu.objects.create(setup=setup, gpu_type=gpu, count=4)
        Result.objects.create(paper=paper, metric="throughput", value=1 + index, unit="x", versus="Megatron-LM")


@pytest.mark.parametrize(
    "params,limit",
    [
        ({}, 4),  # count, results, setups, GPU rows
        ({"gpu": "A100", "vendor": "nvidia", "category": "systems", "workload": "inference"}, 11),
        ({"format": "csv", "baseline": "megatron", "min_gpus": "4"}, 3),  # no count
    ],
)
def test_query_counts_do_not_grow_with_the_data(api, ledger, django_assert_max_num_queries, params, limit):
    with django_assert_max_num_queries(limit):
        assert api.get(URL, params).status_code == 200
    _more_papers(40)
    with django_assert_max_num_queries(limit):
        assert api.get(URL, params).status_code == 200
