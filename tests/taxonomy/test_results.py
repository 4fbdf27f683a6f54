"""The results ledger's core: filters, ordering, rows, exports and headline speedups, over data built here."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from papers.models import Paper
from taxonomy import results_exports
from taxonomy.listing import InvalidQuery
from taxonomy.models import Dimension, DimensionValue, Evaluation, GpuType, Result, Setup, SetupGpu, Term
from taxonomy.results import filter_results, headline_speedups, ledger_rows
from taxonomy.results_exports import rows_for_export, to_csv, to_latex, to_markdown
from tests.factories import make_category, make_paper, place

pytestmark = pytest.mark.django_db


@dataclass
class Ledger:
    """Four public papers and a hidden one, each with setups and results chosen to tell the filters apart."""

    mixed: Paper  # 2019, A100-40GB + V100 (16 GPUs, real), in a sub-category of `systems`
    big: Paper  # 2022, A100-80GB x 64 real + a simulated 1,024-GPU setup; workload inference
    amd: Paper  # 2024, MI250X x 8, simulated only; compares against `mixed` by name
    wordy: Paper  # 2025, no setups, its result in words
    hidden: Paper  # a candidate: never in the ledger
    systems: object
    sub: object


def _gpu(name, vendor="NVIDIA", **extra):
    return GpuType.objects.create(name=name, vendor=vendor, **extra)


def _setup(paper, rows, *, simulated=False, interconnect=(), position=0):
    setup = Setup.objects.create(paper=paper, simulated=simulated, interconnect=list(interconnect), position=position)
    for index, (gpu, count) in enumerate(rows):
        SetupGpu.objects.create(setup=setup, gpu_type=gpu, count=count, position=index)
    return setup


def _result(paper, metric, value, unit="x", position=0, **extra):
    return Result.objects.create(
        paper=paper, metric=metric, value=None if value is None else Decimal(str(value)), unit=unit,
        position=position, **extra,
    )  # fmt: skip


def build_ledger() -> Ledger:
    a100_40, a100_80 = _gpu("A100-40GB", fp16_tflops=312), _gpu("A100-80GB", fp16_tflops=312)
    v100, mi250x = _gpu("V100", fp16_tflops=125), _gpu("MI250X", vendor="AMD")
    systems = make_category(slug="systems", name="Systems")
    sub = make_category(slug="pipelines", name="Pipelines", parent=systems)
    other = make_category(slug="serving", name="Serving")

    mixed = make_paper(citation_key="mixed2019", title="Mixed pipelines", year=2019)
    place(mixed, sub)
    _setup(mixed, [(a100_40, 8), (v100, 8)], interconnect=["InfiniBand 100Gbps"])
    _result(mixed, "throughput", 2.5, kind="up-to", versus="Megatron-LM", setup_text="16 GPUs", evidence="§5")
    _result(mixed, "cost", 30, unit="%", position=1, versus="on-demand", evidence="Table 2")

    big = make_paper(citation_key="big2022", title="Big serving", year=2022)
    place(big, other)
    _setup(big, [(a100_80, 64)])
    _setup(big, [(a100_80, 1024)], simulated=True, position=1)
    _result(big, "throughput", 1.8, versus="vLLM", evidence="abstract")
    _result(big, "throughput", 3.1, value_max=Decimal("7.5"), position=1, versus="Mixed pipelines",
            baseline_paper=mixed, evidence="Fig. 7")  # fmt: skip
    _result(big, "latency", 40, unit="%", position=2, versus="vLLM", evidence="Fig. 8")
    workload = Dimension.objects.create(slug="workload", name="Workload")
    inference = Term.objects.create(dimension=workload, slug="inference", name="Inference")
    DimensionValue.objects.create(paper=big, dimension=workload, term=inference)

    amd = make_paper(citation_key="amd2024", title="AMD only", year=2024)
    place(amd, sub)
    Evaluation.objects.create(paper=amd, max_gpus=None)
    _setup(amd, [(mi250x, 8)], simulated=True)
    _result(amd, "throughput", 12, kind="average", versus="mixed pipelines | v2 & $co", evidence="§6")
    _result(amd, "cost", 0.5, position=1, versus="DeepSpeed", evidence="§6")

    wordy = make_paper(citation_key="wordy2025", title="Wordy", year=2025)
    _result(wordy, "utilization", None, value_text="near-full utilisation", evidence="abstract")

    hidden = make_paper(citation_key="hidden2024", title="Hidden", year=2024, status=Paper.Status.CANDIDATE)
    _setup(hidden, [(a100_40, 4)])
    _result(hidden, "throughput", 99, versus="Megatron-LM")
    return Ledger(mixed=mixed, big=big, amd=amd, wordy=wordy, hidden=hidden, systems=systems, sub=sub)


@pytest.fixture
def ledger():
    return build_ledger()


def keys(params) -> list[str]:
    return [f"{r.paper.citation_key}:{r.position}" for r in filter_results(params)]


def papers(params) -> set[str]:
    return {r.paper.citation_key for r in filter_results(params)}


def error_of(params) -> dict:
    with pytest.raises(InvalidQuery) as caught:
        list(filter_results(params))
    return caught.value.errors


def test_only_public_papers_results_newest_first(ledger):
    assert keys({}) == ["wordy2025:0", "amd2024:0", "amd2024:1", "big2022:0", "big2022:1", "big2022:2",
                        "mixed2019:0", "mixed2019:1"]  # fmt: skip


def test_a_model_name_means_its_memory_variants(ledger):
    assert papers({"gpu": "A100"}) == {"mixed2019", "big2022"}
    assert papers({"gpu": "A100-80GB"}) == {"big2022"}
    assert papers({"gpu": "a100-40gb"}) == {"mixed2019"}
    assert papers({"gpu": "V100,MI250X"}) == {"mixed2019", "amd2024"}  # any of


def test_unknown_gpu_names_are_reported_with_the_accepted_names(ledger):
    message = error_of({"gpu": "A100,H9000"})["gpu"][0]
    assert "H9000" in message and "A100-80GB" in message and "A100," not in message.split("Accepted")[0]


def test_vendor_ignores_case_and_rejects_unknown_vendors(ledger):
    assert papers({"vendor": "amd"}) == {"amd2024"}
    assert papers({"vendor": "NVIDIA,amd"}) == {"mixed2019", "big2022", "amd2024"}
    assert "Intel" in error_of({"vendor": "Intel"})["vendor"][0]


def test_metric_must_be_one_of_the_metrics(ledger):
    assert keys({"metric": "cost"}) == ["amd2024:1", "mixed2019:1"]
    message = error_of({"metric": "speed"})["metric"][0]
    assert "speed" in message and "throughput" in message and "slo-attainment" in message


def test_category_includes_sub_categories(ledger):
    assert papers({"category": "systems"}) == {"mixed2019", "amd2024"}
    assert papers({"category": "serving"}) == {"big2022"}
    assert "nope" in error_of({"category": "nope"})["category"][0]


def test_workload_terms(ledger):
    assert papers({"workload": "inference"}) == {"big2022"}
    assert "training" in error_of({"workload": "inference,training"})["workload"][0]


def test_baseline_by_name_or_catalogue_key(ledger):
    assert keys({"baseline": "mixed pipelines"}) == ["amd2024:0", "big2022:1"]  # any case, part of the name
    assert keys({"baseline": "MIXED2019"}) == ["big2022:1"]  # the linked catalogue paper
    assert keys({"baseline": "vllm"}) == ["big2022:0", "big2022:2"]
    assert "baseline" in error_of({"baseline": "x" * 201})


def test_year_range_and_its_bounds(ledger):
    assert papers({"year_min": "2022", "year_max": "2024"}) == {"big2022", "amd2024"}
    assert "2030 > 2020" in error_of({"year_min": "2030", "year_max": "2020"})["year_min"][0]
    assert "1900 to 2100" in error_of({"year_max": "3000"})["year_max"][0]
    assert "year_min" in error_of({"year_min": "20.5"})


def test_gpu_counts_use_the_largest_real_setup(ledger):
    # big: 64 real (its simulated 1,024 does not count); mixed: 16; amd: only simulated, so unknown.
    assert papers({"min_gpus": "17"}) == {"big2022"}
    assert papers({"max_gpus": "16"}) == {"mixed2019"}
    assert papers({"min_gpus": "16", "max_gpus": "64"}) == {"mixed2019", "big2022"}
    assert "min_gpus" in error_of({"min_gpus": "0"})
    assert "max_gpus" in error_of({"max_gpus": "-3"})
    assert "min_gpus" in error_of({"min_gpus": "9", "max_gpus": "8"})


def test_simulated_asks_about_the_papers_setups(ledger):
    assert papers({"simulated": "true"}) == {"big2022", "amd2024"}
    assert papers({"simulated": "no"}) == {"mixed2019", "big2022"}
    assert "maybe" in error_of({"simulated": "maybe"})["simulated"][0]


def test_ordering_by_value_never_interleaves_metrics_or_units(ledger):
    rows = list(filter_results({"ordering": "-value"}))
    groups = [(r.metric, r.unit) for r in rows]
    # Each (metric, unit) group is one run of rows...
    runs = [group for index, group in enumerate(groups) if index == 0 or groups[index - 1] != group]
    assert len(runs) == len(set(groups))
    # ...sorted by value inside it, largest first.
    throughput = [r.value for r in rows if (r.metric, r.unit) == ("throughput", "x")]
    assert throughput == sorted(throughput, reverse=True) and throughput[0] == Decimal("12")
    ascending = [r.value for r in filter_results({"ordering": "value", "metric": "throughput"})]
    assert ascending == sorted(ascending)


def test_ordering_by_year_and_unknown_orderings(ledger):
    assert [r.paper.year for r in filter_results({"ordering": "year"})][:3] == [2019, 2019, 2022]
    assert "value" in error_of({"ordering": "citations"})["ordering"][0]


def test_rows_carry_the_papers_setups_and_link_only_public_baselines(ledger):
    Result.objects.filter(paper=ledger.amd, position=1).update(baseline_paper=ledger.hidden)
    rows = {(row["paper"]["citation_key"], row["position"]): row for row in ledger_rows(filter_results({}))}
    mixed = rows[("mixed2019", 0)]
    assert mixed["paper_setups"] == [
        {"gpus": "8×A100-40GB + 8×V100", "total_gpus": 16, "mixed": True, "interconnect": ["InfiniBand 100Gbps"],
         "interconnect_classes": ["infiniband"], "simulated": False}
    ]  # fmt: skip
    assert mixed["display_value"] == "up to 2.5x" and mixed["value"] == 2.5
    assert rows[("big2022", 1)]["baseline_paper"] == {"citation_key": "mixed2019", "title": "Mixed pipelines"}
    assert rows[("amd2024", 1)]["baseline_paper"] is None  # a candidate is not linked
    assert rows[("wordy2025", 0)]["value"] is None and rows[("wordy2025", 0)]["paper_setups"] == []


def test_a_page_of_the_ledger_costs_the_same_queries_with_more_data(ledger, django_assert_num_queries):
    def read():
        return ledger_rows(filter_results({"gpu": "A100", "ordering": "-value"})[:50])

    with django_assert_num_queries(4):  # GPU types; results; setups; their GPU rows
        few = read()
    for n in range(30):
        paper = make_paper(citation_key=f"more{n}", year=2020)
        _setup(paper, [(GpuType.objects.get(name="A100-80GB"), 2 + n)])
        _result(paper, "throughput", 1 + n)
    with django_assert_num_queries(4):
        many = read()
    assert len(many) == len(few) + 30


def test_exports_hold_the_same_rows(ledger):
    rows = rows_for_export(filter_results({"metric": "throughput"}))
    assert len(rows) == 4
    csv_lines = to_csv(rows).splitlines()
    assert csv_lines[0].startswith("Paper,Citation key,Year,Metric,Value")
    assert [line.split(",")[1] for line in csv_lines[1:]] == ["amd2024", "big2022", "big2022", "mixed2019"]
    assert "3.1-7.5" in csv_lines[3] and "64×A100-80GB (64 GPUs)" in csv_lines[3]
    markdown = to_markdown(rows)
    assert "mixed pipelines \\| v2 & $co" in markdown and markdown.count("\n") == 2 + 4
    latex = to_latex(rows)
    assert "v2 \\& \\$co" in latex and "v2 & $co" not in latex  # a cell's & and $ cannot break the table
    assert latex.count("\\\\\n") == 1 + 4


def test_an_export_too_large_is_refused(ledger, monkeypatch):
    monkeypatch.setattr(results_exports, "MAX_EXPORT_ROWS", 3)
    with pytest.raises(InvalidQuery) as caught:
        rows_for_export(filter_results({}))
    assert "at most 3" in caught.value.errors["format"][0]
    assert len(rows_for_export(filter_results({"metric": "cost"}))) == 2


def test_headline_speedups_one_bar_per_paper_grouped_by_top_level_category(ledger):
    groups = headline_speedups(filter_results({}))
    shown = {group.category: [(h.citation_key, h.value, h.baseline) for h in group.headlines] for group in groups}
    # amd's 0.5x cost and the % results are not speedups; big's range counts by its top (7.5x).
    assert shown == {
        "Systems": [("amd2024", 12.0, "mixed pipelines | v2 & $co"), ("mixed2019", 2.5, "Megatron-LM")],
        "Serving": [("big2022", 7.5, "Mixed pipelines")],
    }
    assert [group.category for group in headline_speedups(filter_results({"vendor": "amd"}))] == ["Systems"]


def test_each_group_draws_only_its_largest_speedups_and_counts_the_rest(ledger):
    groups = {group.category: group for group in headline_speedups(filter_results({}), per_group=1)}
    assert [(h.citation_key, h.value) for h in groups["Systems"].headlines] == [("amd2024", 12.0)]
    assert groups["Systems"].total == 2
    assert groups["Serving"].total == 1
