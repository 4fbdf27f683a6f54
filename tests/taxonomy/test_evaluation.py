"""Evaluation facts: GPU types linked to the datasheet catalogue, derived heterogeneity, seed views, provenance."""

from decimal import Decimal

import pytest
import yaml
from pybtex.database import parse_string

from taxonomy.catalogue import CORPUS_PATH, GPUS_PATH, SEED_PATH, load_catalogue
from taxonomy.models import GpuType, Placement, Setup, SetupGpu
from tests.support.corpus import corpus as read_corpus
from tests.support.corpus import read_yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return load_catalogue()


def datasheet_tflops(name: str) -> Decimal:
    [spec] = [g for g in read_yaml(GPUS_PATH)["gpus"] if g["name"] == name]
    return Decimal(str(spec["fp16_tflops"]))


def test_every_gpu_type_of_the_catalogue_file_is_loaded_once(catalogue):
    names = [spec["name"] for spec in read_yaml(GPUS_PATH)["gpus"]]
    assert sorted(GpuType.objects.values_list("name", flat=True)) == sorted(names)
    assert load_catalogue().gpu_types_created == 0  # idempotent


def test_setups_link_known_gpu_types_and_keep_unknown_ones_as_written(catalogue):
    hethub = SetupGpu.objects.filter(setup__paper__citation_key="xu2024hethub")
    assert {row.type_text for row in hethub if row.gpu_type is None} == {
        "AMD GPU (model not named)",
        "'GPU-accelerator A' (unnamed)",
    }
    sailor = SetupGpu.objects.filter(setup__paper__citation_key="strati2025sailor", setup__position=0)
    assert [(row.gpu_type.name, row.count) for row in sailor] == [("A100-40GB", 8), ("V100-16GB", 16)]


def test_mixed_gpu_types_and_the_compute_ratio_are_derived(catalogue):
    setup = Setup.objects.prefetch_related("gpus__gpu_type").get(paper__citation_key="strati2025sailor", position=0)
    assert setup.mixed_gpu_types is True and setup.total_gpus == 24
    expected = (datasheet_tflops("A100-40GB") / datasheet_tflops("V100-16GB")).quantize(Decimal("0.1"))
    assert setup.compute_ratio == expected
    single = Setup.objects.prefetch_related("gpus__gpu_type").get(paper__citation_key="strati2025sailor", position=1)
    assert single.mixed_gpu_types is False and single.compute_ratio is None


def test_a_ratio_needs_every_types_figure(catalogue):
    # K80 has no FP16 figure in its datasheet: Gavel's V100/P100/K80 cluster is mixed, its ratio unknown.
    setups = [
        s
        for s in Setup.objects.prefetch_related("gpus__gpu_type").filter(paper__citation_key="narayanan2020gavel")
        if "K80" in {row.gpu_type.name for row in s.gpus.all() if row.gpu_type}
    ]
    assert setups and all(s.mixed_gpu_types and s.compute_ratio is None for s in setups)


def test_an_unconfirmed_gpu_type_is_marked_on_its_row(catalogue, api):
    setups = api.get("/api/papers/li2022amp/").json()["evaluation"]["setups"]
    doubtful = [(g["type"], g["confirmed"]) for s in setups for g in s["gpus"] if not g["confirmed"]]
    assert doubtful == [("V100", False), ("T4", False)]  # the corpus writes "V100?" and "T4?"


def test_baselines_that_are_catalogue_papers_are_linked(api, catalogue):
    baselines = api.get("/api/papers/jang2023oobleck/").json()["evaluation"]["baselines"]
    linked = {b["name"]: b["baseline_paper"]["citation_key"] for b in baselines if b["baseline_paper"]}
    assert linked == {"Bamboo": "thorpe2023bamboo", "Varuna": "athlur2022varuna"}


def test_a_baseline_is_linked_by_the_name_its_citation_key_ends_with(api, catalogue):
    # Gavel's title does not start with its name; its key (narayanan2020gavel) does end with it.
    baselines = api.get("/api/papers/sultana2024hadar/").json()["evaluation"]["baselines"]
    linked = {b["name"]: b["baseline_paper"]["citation_key"] for b in baselines if b["baseline_paper"]}
    assert linked["Gavel"] == "narayanan2020gavel"
    compared_by = [paper["key"] for paper in api.get("/api/papers/narayanan2020gavel/").json()["compared_by"]]
    assert "sultana2024hadar" in compared_by and "sultana2025hadare" in compared_by


def test_the_seed_views_reproduce_the_seed_list(api, catalogue):
    def counts(nodes):
        for node in nodes:
            yield node["slug"], node["paper_count"]
            yield from counts(node["children"])

    tree = api.get("/api/categories/?source=seed").json()
    assert list(counts(tree)) == [
        ("inter-pipeline", 5),
        ("batch-distribution", 3),
        ("decentralized-synchronization", 2),
        ("intra-pipeline", 2),
        ("other", 3),
    ]
    grown = dict(counts(api.get("/api/categories/").json()))
    assert grown["intra-pipeline"] > 2 and "parallelization-planning" in grown


def test_the_seed_awesome_list_has_the_seeds_papers_in_its_order(client, catalogue):
    seed = yaml.safe_load(SEED_PATH.read_text(encoding="utf-8"))
    text = client.get("/api/awesome.md?source=seed").content.decode()
    titles = {key: read_corpus(CORPUS_PATH)[key]["title"] for key in seed["papers"]}
    for slug in ("batch-distribution", "decentralized-synchronization", "intra-pipeline", "other"):
        keys = [key for key, paper in seed["papers"].items() if slug in paper["placements"]]
        positions = [text.index(titles[key], _section(text, slug)) for key in keys]
        assert positions == sorted(positions), slug
    assert text.count("\n- ") == 10 and "added by curators" not in text


def _section(text: str, slug: str) -> int:
    names = {
        "batch-distribution": "### Batch distribution",
        "decentralized-synchronization": "### Decentralized synchronization",
        "intra-pipeline": "## Intra-pipeline heterogeneity",
        "other": "## Other papers on heterogeneous clusters",
    }
    return text.index(names[slug])


def test_the_grown_awesome_list_marks_additions_after_the_seeds_papers(client, catalogue):
    text = client.get("/api/awesome.md").content.decode()
    intra = text[_section(text, "intra-pipeline") : _section(text, "other")]
    entries = intra.split("\n- ")[1:]
    assert "HetPipe" in entries[0] and "HeterPS" in entries[1]
    assert entries[2:] and all("added by curators" in entry for entry in entries[2:])


@pytest.mark.parametrize("url", ["/api/categories/?source=nope", "/api/awesome.md?source=nope"])
def test_an_unknown_source_is_400(client, catalogue, url):
    assert client.get(url).status_code == 400


def test_placements_say_where_they_come_from(catalogue):
    assert Placement.objects.filter(source="seed").count() == 10
    assert Placement.objects.filter(source="seed", evidence="").count() == 0  # the corpus points to each


def test_the_paper_page_shows_setups_results_baselines_and_sources(client, catalogue):
    html = client.get("/papers/jang2023oobleck/").content.decode()
    evaluation = html[html.index('id="evaluation-heading"') : html.index('id="related-heading"')]
    assert "simulated" in evaluation and "13.9x" in evaluation
    assert '<a href="/papers/thorpe2023bamboo/">Bamboo</a>' in evaluation
    provenance = html[html.index('id="provenance-heading"') : html.index('id="bibtex-heading"')]
    assert '<a href="https://sysartifacts.github.io/sosp2023/summaries/oobleck"' in provenance


def test_sources_are_served_by_the_api(api, catalogue):
    facts = read_corpus(CORPUS_PATH)["jang2023oobleck"]
    assert api.get("/api/papers/jang2023oobleck/").json()["sources"] == [" ".join(s.split()) for s in facts["sources"]]


def test_compare_shows_evaluation_cells_and_shared_baselines(api, catalogue):
    data = api.get("/api/compare/?papers=jiang2025hexgen2,mo2025hetis").json()
    slugs = [column["slug"] for column in data["columns"]]
    assert {"setups", "baselines", "results"} <= set(slugs)
    assert {"name": "HexGen", "papers": ["jiang2025hexgen2", "mo2025hetis"]} in data["shared_baselines"]
    hetis = data["rows"][1]["cells"]["baselines"]
    assert any(value["text"] == "HexGen" and value["shared"] and value["paper"] == "jiang2024hexgen" for value in hetis)
    csv_text = api.get("/api/compare/?papers=jiang2025hexgen2,mo2025hetis&format=csv").content.decode()
    assert "GPU setups" in csv_text.splitlines()[0] and "mixed GPU types" in csv_text


def test_a_doubtful_author_is_marked_alone_and_still_cited(tmp_path, client, api):
    corpus = read_yaml(CORPUS_PATH)
    paper = dict(next(p for p in corpus["papers"] if p["key"] == "xu2024hethub"))
    paper["authors"] = [*paper["authors"][:1], paper["authors"][1] + "?", *paper["authors"][2:]]
    path = tmp_path / "corpus.yaml"
    path.write_text(yaml.safe_dump({"papers": [paper]}), encoding="utf-8")
    catalogue_file = tmp_path / "catalogue.yaml"
    catalogue_file.write_text(yaml.safe_dump({"papers": {"xu2024hethub": {}}}), encoding="utf-8")
    load_catalogue(catalogue_paths=[catalogue_file], corpus_path=path)

    authors = api.get("/api/papers/xu2024hethub/").json()["authors"]
    assert [a["confirmed"] for a in authors] == [True, False] + [True] * (len(authors) - 2)
    entry = parse_string(client.get("/api/papers/xu2024hethub/bibtex").content.decode(), "bibtex").entries
    assert len(entry["xu2024hethub"].persons["author"]) == len(authors)


def test_a_seed_placement_takes_its_own_pointer_and_an_unverified_one_is_unconfirmed(catalogue):
    placements = {p.category.slug: p for p in Placement.objects.filter(paper__citation_key="park2020hetpipe")}
    assert placements["decentralized-synchronization"].evidence.startswith("abstract")
    assert placements["decentralized-synchronization"].confirmed is True
    assert placements["intra-pipeline"].evidence.startswith("unverified")
    assert placements["intra-pipeline"].confirmed is False
