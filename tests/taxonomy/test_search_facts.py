"""Search finds papers by what the catalogue knows of them (categories and their problems, techniques, GPU
types, models, baselines), on SQLite and PostgreSQL alike, and the index follows every write of those facts."""

from decimal import Decimal

import pytest

from taxonomy.backup import export_catalogue, import_catalogue
from taxonomy.catalogue import load_catalogue
from taxonomy.models import Baseline, Dimension, DimensionValue, GpuType, Placement, Setup, SetupGpu, Term
from taxonomy.search_facts import refresh_all_search_facts
from tests.factories import make_category, make_paper, place
from tests.test_backup import empty_catalogue

pytestmark = pytest.mark.django_db


def found(api, query) -> list[str]:
    response = api.get("/api/papers/", {"q": query, "page_size": 100})
    assert response.status_code == 200, response.content
    return [paper["citation_key"] for paper in response.json()["results"]]


@pytest.fixture
def planner():
    """A paper whose title and abstract say nothing of its technique, hardware, category or baseline."""
    paper = make_paper(citation_key="planner", title="Quokka: a planner", abstract="We plan.")
    technique = Dimension.objects.create(slug="technique", name="Technique")
    family = Term.objects.create(dimension=technique, slug="mathematical-programming", name="Mathematical programming")
    ilp = Term.objects.create(dimension=technique, slug="ilp", name="ILP", parent=family)
    DimensionValue.objects.create(paper=paper, dimension=technique, term=ilp, text="solved per stage")
    a100 = GpuType.objects.create(name="A100-40GB", vendor="NVIDIA", fp16_tflops=Decimal("312"))
    setup = Setup.objects.create(paper=paper)
    SetupGpu.objects.create(setup=setup, gpu_type=a100, count=8)
    place(paper, make_category(name="Intra-pipeline", problem="Layer assignment across unequal GPUs."))
    Baseline.objects.create(paper=paper, name="Megatron-LM")
    make_paper(citation_key="other", title="Unrelated systems work", abstract="Nothing to see.")
    return paper


@pytest.mark.parametrize(
    "query",
    ["ILP", "mathematical programming", "solved per stage", "A100", "A100-40GB", "layer assignment", "Megatron"],
)
def test_a_paper_is_found_by_its_curated_facts(api, planner, query):
    assert found(api, query) == ["planner"]


def test_a_title_match_still_ranks_first(api, planner):
    make_paper(citation_key="titled", title="Megatron at scale", abstract="Training.")
    assert found(api, "Megatron")[:2] == ["titled", "planner"]


def test_the_index_follows_writes_of_the_facts(api, planner):
    Baseline.objects.filter(paper=planner).delete()
    assert found(api, "Megatron") == []
    category = Placement.objects.get(paper=planner).category
    category.problem = "Stage balancing."
    category.save()
    assert found(api, "layer assignment") == [] and found(api, "stage balancing") == ["planner"]
    Term.objects.filter(slug="ilp").update(name="Integer linear programming")  # a bulk write: no signal
    Term.objects.get(slug="ilp").save()  # a save announces the rename
    assert found(api, "integer linear") == ["planner"]
    Setup.objects.filter(paper=planner).delete()  # its GPU rows go with it
    assert found(api, "A100") == []


def test_a_restored_backup_is_searchable(api, planner):
    document = export_catalogue()
    assert all("search_facts" not in row["fields"] for row in document["objects"])  # derived, never exported
    empty_catalogue()
    import_catalogue(document)
    assert found(api, "Megatron") == ["planner"]
    assert refresh_all_search_facts() == 0  # already current


def test_the_catalogue_is_found_by_concept_words(api):
    load_catalogue()
    ilp = found(api, "ILP")
    assert "park2020hetpipe" in ilp and len(ilp) >= 4  # HetPipe's §7 formulates its partitioning as an ILP
    assert {"park2020hetpipe", "liu2023heterps"} <= set(found(api, "layer assignment"))  # their category's problem
    assert "mei2025helix" in found(api, "A100")  # evaluated on 4×A100 + 8×L4 + 12×T4
    assert "park2020hetpipe" in found(api, "NP-hard")
