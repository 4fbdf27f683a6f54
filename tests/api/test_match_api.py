"""GET /api/match/: the ranking as JSON, 400s that name the parameter, the schema's bounds, query counts."""

import pytest
from django.urls import reverse

from taxonomy.matching import MAX_SPEC_CHARS
from tests.factories import make_paper
from tests.taxonomy.test_matching import add_setup, make_gpu_types, make_workloads

pytestmark = pytest.mark.django_db
URL = "/api/match/"


@pytest.fixture
def types():
    return make_gpu_types()


def add_papers(types, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        paper = make_paper(citation_key=f"p{i}", title=f"Paper {i}", year=2020 + i % 5)
        add_setup(paper, [("A100-80GB", 1 + i), ("T4", 2)], types, interconnect=["10 GbE"])
        if i % 2:
            add_setup(paper, [("V100", 8)], types, position=1)
    for i in range(start, start + n // 4 + 1):
        make_paper(citation_key=f"bare{i}", title=f"Bare {i}")


def test_the_best_match_comes_first_with_its_reasons_and_the_cluster_echoed(api, types):
    add_papers(types, 3)
    best = make_paper(citation_key="twin", title="Twin", year=2019)
    add_setup(best, [("A100-40GB", 8), ("V100", 16)], types, interconnect=["Ethernet"])
    response = api.get(URL, {"gpus": "A100:8,V100:16", "interconnect": "ethernet"})
    assert response.status_code == 200
    data = response.json()
    first = data["results"][0]
    assert first["paper"]["citation_key"] == "twin" and first["score"] == 1.0 and not first["no_setup"]
    assert first["setup"]["gpus"] == "8×A100-40GB + 16×V100"
    assert "24 GPUs like yours" in first["reasons"] and first["explanation"].startswith("evaluated on 8×A100-40GB")
    assert first["paper"]["api_url"].endswith(reverse("api:paper-detail", args=["twin"]))
    assert data["cluster"]["total_gpus"] == 24 and data["cluster"]["interconnect"] == "ethernet"
    assert data["count"] == 3 + 1 + 1  # every public paper: three with setups, the twin, one without
    last = data["results"][-1]
    assert last["no_setup"] and last["score"] is None and last["explanation"] == "no setup recorded"


@pytest.mark.parametrize(
    ("query", "parameter", "text"),
    [
        ("gpus=Voodoo5:2", "gpus", "Voodoo5"),
        ("gpus=A100:0", "gpus", "1 to 100000"),
        ("gpus=A100:1000000000", "gpus", "1 to 100000"),
        ("gpus=" + ",".join(["T4:1"] * 200), "gpus", "At most 32"),
        ("gpus=A100;8", "gpus", "NAME:COUNT"),
        ("gpus=%C3%84100:1", "gpus", "Unknown GPU type(s): Ä100"),
        ("", "gpus", "NAME:COUNT"),
        ("gpus=T4:1&interconnect=smoke-signals", "interconnect", "Accepted"),
        ("gpus=T4:1&workload=mining", "workload", "Accepted"),
        ("gpus=T4:1&page_size=0", "page_size", "1 to 100"),
        ("gpus=T4:1&page=-1", "page", "from 1"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(api, types, query, parameter, text):
    response = api.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert text in " ".join(response.json()[parameter])


def test_the_schema_documents_every_parameter_with_its_bounds(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/match/"]["get"]["parameters"]}
    assert parameters["gpus"]["required"] and parameters["gpus"]["schema"]["maxLength"] == MAX_SPEC_CHARS
    assert "1-100000" in parameters["gpus"]["description"] and "32" in parameters["gpus"]["description"]
    assert set(parameters["interconnect"]["schema"]["enum"]) == {
        "nvlink",
        "infiniband",
        "roce",
        "ethernet",
        "pcie",
        "wan",
    }
    assert set(parameters["workload"]["schema"]["enum"]) == {"training", "inference", "both"}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert parameters["page"]["schema"]["minimum"] == 1


def _queries(api, django_assert_max_num_queries, query) -> int:
    with django_assert_max_num_queries(14) as captured:
        assert api.get(URL, query).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page_size", ["5", "100"])
def test_the_query_count_does_not_grow_with_the_catalogue(api, types, django_assert_max_num_queries, page_size):
    # 5: papers with setups only; 100: every paper, with and without setups (the latter one more query).
    query = {"gpus": "A100:8,T4:4", "workload": "training", "page_size": page_size}
    make_workloads()
    add_papers(types, 6)
    small = _queries(api, django_assert_max_num_queries, query)
    add_papers(types, 60, start=6)
    assert _queries(api, django_assert_max_num_queries, query) == small
