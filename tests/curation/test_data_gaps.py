"""The data-gaps page and selector: the curators' to-do list, read in a fixed number of queries."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from papers.models import Paper
from taxonomy.catalogue import load_catalogue
from taxonomy.checks import check_catalogue
from taxonomy.gaps import VALUE_SAMPLE_SIZE, data_gaps
from taxonomy.models import Dimension, DimensionValue, GpuType, Placement, Result, Setup, SetupGpu, Term
from tests.factories import make_category, make_paper
from tests.support.corpus import corpus

pytestmark = pytest.mark.django_db

URL = "/admin/papers/paper/data-gaps/"


def section_html(html: str, slug: str) -> str:
    match = re.search(rf'<section id="{slug}">(.*?)</section>', html, re.DOTALL)
    assert match, slug
    return match.group(1)


def keys_in(section: str) -> set[str]:
    return set(re.findall(r'/admin/papers/paper/\d+/change/">([^<]+)</a>', section))


def test_the_page_lists_the_full_catalogues_gaps(staff_client):
    load_catalogue()
    without_setups = {key for key, entry in corpus().items() if not (entry.get("evaluation") or {}).get("setups")}
    unknown = list(
        SetupGpu.objects.filter(gpu_type__isnull=True).values_list("setup__paper__citation_key", "type_text")
    )
    incomplete = GpuType.objects.filter(fp16_tflops__isnull=True) | GpuType.objects.filter(
        memory_bandwidth_gbs__isnull=True
    )
    assert without_setups and ("xu2024hethub", "AMD GPU (model not named)") in unknown and incomplete.exists()

    response = staff_client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    setups = section_html(html, "papers-without-setups")
    assert f"Papers without any setup ({len(without_setups)})" in setups
    assert keys_in(setups) == without_setups
    types = section_html(html, "unknown-gpu-types")
    assert f"({len(unknown)})" in types and keys_in(types) == {key for key, _ in unknown}
    assert "AMD GPU (model not named)" in types
    sheets = section_html(html, "gpu-datasheet-gaps")
    assert set(re.findall(r'/admin/taxonomy/gputype/\d+/change/">([^<]+)</a>', sheets)) == {
        gpu.name for gpu in incomplete
    }
    setups_without_rows = Setup.objects.filter(gpus__isnull=True).count()
    assert f"Setups without GPU rows ({setups_without_rows})" in html
    assert html.count("edit GPUs") >= setups_without_rows


def test_the_page_is_for_staff_only(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_paper_list_links_to_it(staff_client):
    assert f'href="{URL}"' in staff_client.get("/admin/papers/paper/").content.decode()


@pytest.fixture
def gaps_of_each_kind():
    """One gap of each kind on `gappy`; `complete` has none, a candidate's gaps do not count."""
    category = make_category()
    dimension = Dimension.objects.create(slug="technique", name="Technique")
    term = Term.objects.create(dimension=dimension, slug="ilp", name="ILP")
    known = GpuType.objects.create(
        name="A100-T", vendor="NVIDIA", fp16_tflops=Decimal("312"), memory_bandwidth_gbs=1555
    )
    GpuType.objects.create(name="MI-T", vendor="AMD", memory_bandwidth_gbs=1600)  # no FP16 figure

    complete = make_paper(citation_key="complete")
    setup = Setup.objects.create(paper=complete, evidence="§5")
    SetupGpu.objects.create(setup=setup, gpu_type=known, count=8)
    Result.objects.create(paper=complete, metric="throughput", value=2, unit="x", evidence="abstract")
    Placement.objects.create(paper=complete, category=category, source="seed", seed_position=0, evidence="§3")
    DimensionValue.objects.create(paper=complete, dimension=dimension, term=term, evidence="§7")

    gappy = make_paper(citation_key="gappy")
    bare = Setup.objects.create(paper=gappy, evidence="abstract", confirmed=False)  # no GPU rows
    vague = Setup.objects.create(paper=gappy, position=1)
    SetupGpu.objects.create(setup=vague, type_text="AMD GPU (model not named)", count=128)
    SetupGpu.objects.create(setup=vague, gpu_type=known)  # no count
    Result.objects.create(paper=gappy, metric="throughput", value=2, unit="x")  # no evidence
    Result.objects.create(paper=gappy, metric="utilization", value=500, unit="x less communication", evidence="§1")
    Result.objects.create(paper=gappy, metric="cost", value_text="a fraction of the cost", evidence="abstract")
    Placement.objects.create(paper=gappy, category=category, source="seed", seed_position=1)
    DimensionValue.objects.create(paper=gappy, dimension=dimension, term=term)

    nothing = make_paper(citation_key="nothing")  # no setup at all
    candidate = make_paper(citation_key="candidate", status=Paper.Status.CANDIDATE)
    Setup.objects.create(paper=candidate)
    return {"gappy": gappy, "nothing": nothing, "bare": bare, "vague": vague}


def items(slug: str) -> list[tuple[str, str]]:
    return [(item.citation_key or item.label, item.detail) for item in data_gaps().section(slug).items]


def test_each_kind_of_gap_is_listed_with_what_to_fix(gaps_of_each_kind):
    assert items("papers-without-setups") == [("nothing", "no setup")]
    assert items("setups-without-gpus") == [("gappy", "setup 1: no GPU rows (abstract)")]
    assert items("unknown-gpu-types") == [("gappy", "setup 2: 'AMD GPU (model not named)'")]
    assert items("gpu-rows-without-count") == [("gappy", "setup 2: A100-T, no count")]
    assert [key for key, _ in items("results-without-evidence")] == ["gappy"]
    odd = items("results-not-comparable")
    assert [key for key, _ in odd] == ["gappy", "gappy"]
    assert "unit 'x less communication'" in odd[0][1] and "only text, no number" in odd[1][1]
    assert items("seed-placements-without-evidence")[0][0] == "gappy"
    assert items("values-without-evidence") == [("gappy", "technique = ILP: no evidence")]
    assert items("gpu-datasheet-gaps") == [("MI-T", "no FP16 TFLOPS (not used yet)")]


def test_gpu_rows_link_to_their_setup_and_gpu_types_to_their_page(gaps_of_each_kind):
    gaps = data_gaps()
    assert gaps.section("unknown-gpu-types").items[0].setup_id == gaps_of_each_kind["vague"].pk
    assert gaps.section("setups-without-gpus").items[0].setup_id == gaps_of_each_kind["bare"].pk
    [sheet] = gaps.section("gpu-datasheet-gaps").items
    assert sheet.gpu_type_id == GpuType.objects.get(name="MI-T").pk and sheet.paper_id is None


def test_unconfirmed_facts_are_counted_per_kind(gaps_of_each_kind):
    unconfirmed = data_gaps().section("unconfirmed-facts")
    assert dict(unconfirmed.breakdown)["setups"] == 1 and unconfirmed.count == 1


def test_values_without_evidence_are_counted_per_dimension_and_sampled():
    dimension = Dimension.objects.create(slug="workload", name="Workload")
    for _ in range(VALUE_SAMPLE_SIZE + 3):
        DimensionValue.objects.create(paper=make_paper(), dimension=dimension, text="training")
    section = data_gaps().section("values-without-evidence")
    assert section.breakdown == [("workload", VALUE_SAMPLE_SIZE + 3)]
    assert len(section.items) == VALUE_SAMPLE_SIZE and section.sampled


def test_a_catalogue_without_gaps_has_empty_sections():
    assert data_gaps().total == 0


def test_the_selector_reads_a_fixed_number_of_queries(gaps_of_each_kind, django_assert_num_queries):
    with django_assert_num_queries(15) as captured:
        data_gaps()
    for _ in range(5):
        gappy = make_paper()
        Setup.objects.create(paper=gappy)
        Result.objects.create(paper=gappy, metric="cost", value_text="cheaper")
    with django_assert_num_queries(len(captured)):
        assert data_gaps().section("papers-without-setups").count == 1


def test_check_catalogue_prints_every_gap_with_what_to_do(gaps_of_each_kind):
    out = StringIO()
    try:
        call_command("check_catalogue", stdout=out)
    except CommandError as error:  # these test papers have real problems too (no URL, no category)
        assert str(len(check_catalogue().problems)) in str(error)
    output = out.getvalue()
    gaps = output[output.index("Data gaps") : output.index("Problems (")]
    for section in data_gaps().sections:
        assert f"  {section.title}: {section.count}" in gaps
        if section.count:
            assert f"    to do: {section.todo}" in gaps
    assert "    nothing: no setup" in gaps and "    gappy: setup 2: 'AMD GPU (model not named)'" in gaps
    assert "    MI-T: no FP16 TFLOPS (not used yet)" in gaps and "    setups: 1" in gaps
