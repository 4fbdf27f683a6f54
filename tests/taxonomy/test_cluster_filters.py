"""The paper list's filters over evaluation facts (gpu, vendor, min_gpus/max_gpus, baseline, open_source,
mixed_gpus) and their facet counts, on papers built here: the API, the search page and the core agree."""

from decimal import Decimal

import pytest

from taxonomy.clusters import GpuLookup, SetupSummary, UnknownGpus, interconnect_classes
from taxonomy.models import Baseline, Evaluation, GpuType, Result, Setup, SetupGpu
from taxonomy.selectors import facet_counts, papers_for_listing
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


def gpu(name, vendor="NVIDIA", tflops="100", aliases=()):
    return GpuType.objects.create(name=name, vendor=vendor, fp16_tflops=Decimal(tflops), aliases=list(aliases))


def setup(paper, *rows, simulated=False, interconnect=(), position=0):
    made = Setup.objects.create(paper=paper, simulated=simulated, interconnect=list(interconnect), position=position)
    for n, (gpu_type, count) in enumerate(rows):
        if isinstance(gpu_type, str):
            SetupGpu.objects.create(setup=made, type_text=gpu_type, count=count, position=n)
        else:
            SetupGpu.objects.create(setup=made, gpu_type=gpu_type, count=count, position=n)
    return made


@pytest.fixture
def cluster_papers():
    a100 = gpu("A100", tflops="312", aliases=["NVIDIA A100"])
    a100_40 = gpu("A100-40GB", tflops="312")
    a100_80 = gpu("A100-80GB", tflops="312")
    v100 = gpu("V100", tflops="125", aliases=["Tesla V100"])
    mi250 = gpu("MI250X", vendor="AMD", tflops="383")
    papers = {
        # Two memory variants of one model in one setup, 8 + 8 GPUs; code published.
        "variants": make_paper(citation_key="variants", year=2021),
        # A100-80GB with V100: mixed; a simulated setup of 1024 that must not count as its largest real one.
        "mixed": make_paper(citation_key="mixed", year=2022),
        # An AMD GPU named only in words, and an MI250X: vendor amd either way.
        "amd": make_paper(citation_key="amd", year=2023),
        # No setup at all; its evaluation says 64 GPUs.
        "stated": make_paper(citation_key="stated", year=2024),
        "bare": make_paper(citation_key="bare", year=2020),
    }
    setup(papers["variants"], (a100_40, 8), (a100_80, 8))
    setup(papers["mixed"], (a100_80, 4), (v100, 12))
    setup(papers["mixed"], (a100_80, 512), (v100, 512), simulated=True, position=1)
    setup(papers["amd"], ("AMD GPU (model not named)", 2))
    setup(papers["amd"], (mi250, None), position=1)
    Evaluation.objects.create(paper=papers["variants"], open_source=True)
    Evaluation.objects.create(paper=papers["mixed"], open_source=False)
    Evaluation.objects.create(paper=papers["stated"], max_gpus=64)
    Baseline.objects.create(paper=papers["mixed"], name="Megatron-LM")
    Baseline.objects.create(paper=papers["amd"], name="HetPipe", baseline_paper=papers["variants"])
    Result.objects.create(paper=papers["stated"], metric="throughput", value=2, unit="x", baseline_paper=papers["bare"])
    papers.update(a100=a100, v100=v100)
    return papers


def keys(api, query):
    response = api.get("/api/papers/", query)
    assert response.status_code == 200, response.data
    return sorted(paper["citation_key"] for paper in response.data["results"])


def test_a_model_name_matches_its_memory_variants_and_a_variant_only_itself(api, cluster_papers):
    assert keys(api, {"gpu": "A100"}) == ["mixed", "variants"]
    assert keys(api, {"gpu": "a100-40gb"}) == ["variants"]
    assert keys(api, {"gpu": "NVIDIA A100"}) == ["mixed", "variants"]  # an alias of the plain model
    assert keys(api, {"gpu": "Tesla V100"}) == ["mixed"]
    assert keys(api, {"gpu": "V100,MI250X"}) == ["amd", "mixed"]  # any of


def test_vendor_counts_rows_named_only_in_words(api, cluster_papers):
    assert keys(api, {"vendor": "amd"}) == ["amd"]
    assert keys(api, {"vendor": "NVIDIA"}) == ["mixed", "variants"]
    assert keys(api, {"vendor": "amd,nvidia"}) == ["amd", "mixed", "variants"]


def test_gpu_counts_read_the_largest_real_setup(api, cluster_papers):
    # variants: 16 (8 + 8); mixed: 16 (the 1,024 are simulated); stated: 64 from its evaluation; amd: one row
    # without a count, so its largest real setup is the 2 GPUs of the other setup.
    assert keys(api, {"min_gpus": 16}) == ["mixed", "stated", "variants"]
    assert keys(api, {"min_gpus": 17}) == ["stated"]
    assert keys(api, {"max_gpus": 16}) == ["amd", "mixed", "variants"]
    assert keys(api, {"min_gpus": 2, "max_gpus": 2}) == ["amd"]


def test_baseline_by_name_or_by_citation_key(api, cluster_papers):
    assert keys(api, {"baseline": "megatron"}) == ["mixed"]
    assert keys(api, {"baseline": "variants"}) == ["amd"]  # linked Baseline
    assert keys(api, {"baseline": "bare"}) == ["stated"]  # a result measured against a catalogue paper


def test_yes_no_filters(api, cluster_papers):
    assert keys(api, {"open_source": "true"}) == ["variants"]
    assert keys(api, {"open_source": "no"}) == ["mixed"]  # said so; unknown is neither
    # amd's two GPU kinds sit in different setups: neither setup mixes types.
    assert keys(api, {"mixed_gpus": "true"}) == ["mixed", "variants"]
    assert keys(api, {"mixed_gpus": "false"}) == ["amd", "bare", "stated"]


def test_facets_count_each_paper_once_per_model_and_vendor(cluster_papers):
    facets = facet_counts(papers_for_listing())
    by_gpu = {item["slug"]: item["count"] for item in facets["gpu"]}
    assert by_gpu == {"A100": 2, "V100": 1, "MI250X": 1}  # variants' two A100 kinds count once
    assert {item["slug"]: item["count"] for item in facets["vendor"]} == {"nvidia": 2, "amd": 1}
    assert facets["open_source"][0]["count"] == 1
    assert facets["mixed_gpus"][0]["count"] == 2


def test_facets_follow_the_filters(api, cluster_papers):
    facets = api.get("/api/papers/", {"vendor": "amd"}).data["facets"]
    assert {item["slug"]: item["count"] for item in facets["gpu"]} == {"MI250X": 1}
    assert facets["mixed_gpus"][0]["count"] == 0


@pytest.mark.parametrize(
    "query,param,words",
    [
        ({"gpu": "B200"}, "gpu", ["B200", "A100-40GB", "Accepted"]),
        ({"vendor": "intel"}, "vendor", ["intel", "amd, nvidia"]),
        ({"min_gpus": "0"}, "min_gpus", ["greater than or equal to 1"]),
        ({"max_gpus": str(10**9)}, "max_gpus", ["less than or equal to 1000000"]),
        ({"min_gpus": "eight"}, "min_gpus", ["whole number"]),
        ({"mixed_gpus": "maybe"}, "mixed_gpus", ["true or false"]),
        ({"open_source": "2"}, "open_source", ["true or false"]),
    ],
)
def test_bad_values_answer_400_naming_the_parameter(api, cluster_papers, query, param, words):
    response = api.get("/api/papers/", query)
    assert response.status_code == 400
    message = " ".join(response.json()[param])
    for word in words:
        assert word in message


def test_the_search_page_filters_the_same_and_reports_bad_values(client, cluster_papers):
    page = client.get("/", {"gpu": "A100", "min_gpus": "16"}).content.decode()
    assert "/papers/variants/" in page and "/papers/mixed/" in page and "/papers/amd/" not in page
    assert "GPU: A100" in page and "At least 16 GPUs" in page  # the active filters, each removable
    assert 'id="f-vendor-nvidia"' in page and 'id="f-mixed_gpus"' in page

    page = client.get("/", {"gpu": "B200"})
    assert page.status_code == 200
    assert "Unknown GPU type(s): B200" in page.content.decode()


def test_lookup_and_setup_summary_in_words(cluster_papers):
    lookup = GpuLookup()
    with pytest.raises(UnknownGpus) as raised:
        lookup.resolve(["A100", "H200", "TPU"])
    assert raised.value.unknown == ["H200", "TPU"]
    summary = SetupSummary.of(
        Setup.objects.prefetch_related("gpus__gpu_type").get(paper__citation_key="mixed", position=0)
    )
    assert summary.gpus == "4×A100-80GB + 12×V100"
    assert summary.total_gpus == 16 and summary.mixed
    assert summary.compute_ratio == pytest.approx(2.5)  # 312 / 125


@pytest.mark.parametrize(
    "texts,classes",
    [
        (["Ethernet 10Gbps"], ["ethernet"]),
        (["InfiniBand 200Gbps", "NVLink (intra-node)"], ["nvlink", "infiniband"]),
        (["RDMA 100GbE (V100 server)"], ["roce", "ethernet"]),
        (["WAN (cross-region, 40-150 ms)"], ["wan"]),
        (["inter-region link"], ["wan"]),
        (["100Gbps switch"], []),
    ],
)
def test_interconnect_classes_from_the_words_papers_use(texts, classes):
    assert interconnect_classes(texts) == classes
