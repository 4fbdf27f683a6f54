"""The /results/ page: the ledger's rows, filter form, errors, exports, chart and query counts."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from taxonomy.models import GpuType, Result, Setup, SetupGpu
from tests.factories import make_paper
from tests.taxonomy.test_results import build_ledger

pytestmark = pytest.mark.django_db
URL = "/results/"


@pytest.fixture
def ledger():
    return build_ledger()


def row_papers(html: str) -> list[str]:
    return re.findall(r'<tr class="ledger-row">\s*<th scope="row"><a href="/papers/([^/]+)/">', html)


def test_lists_every_public_result_and_says_what_is_compared(client, ledger):
    html = client.get(URL).content.decode()
    assert row_papers(html) == ["wordy2025", "amd2024", "amd2024", "big2022", "big2022", "big2022",
                                "mixed2019", "mixed2019"]  # fmt: skip
    assert "Numbers are never compared across different metrics or units" in html
    assert "filters ask about the paper's recorded setups" in html
    assert "up to 2.5x" in html and "Paper's setups: 8×A100-40GB + 8×V100 (16 GPUs; InfiniBand 100Gbps)" in html
    assert '<a href="/papers/mixed2019/">Mixed pipelines</a></td>' in html  # a catalogue baseline is linked
    assert '<form id="ledger-form"' in html and 'method="get"' in html


def test_filters_narrow_the_rows_and_the_form_keeps_them(client, ledger):
    html = client.get(URL, {"gpu": "A100", "metric": "throughput", "ordering": "-value"}).content.decode()
    assert row_papers(html) == ["big2022", "mixed2019", "big2022"]  # 3.1-7.5x, 2.5x, 1.8x
    assert 'value="A100"' in html and '<option value="throughput" selected>' in html
    assert '<option value="-value" selected>' in html


def test_a_bad_parameter_is_shown_and_the_rest_still_applies(client, ledger):
    response = client.get(URL, {"gpu": "H9000", "year_min": "2024"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "GPU: Unknown GPU type(s): H9000" in html
    assert set(row_papers(html)) == {"amd2024", "wordy2025"}


def test_export_links_carry_the_filters(client, ledger):
    html = client.get(URL, {"vendor": "amd", "ordering": "value"}).content.decode()
    links = re.findall(r'<a href="(/api/results/\?[^"]+)" data-export>', html)
    assert len(links) == 3
    for link, fmt in zip(links, ["csv", "md", "tex"], strict=True):
        query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert query == {"vendor": ["amd"], "ordering": ["value"], "format": [fmt]}
        assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_partial_is_the_fragment_only(client, ledger):
    html = client.get(URL, {"partial": "1", "vendor": "amd"}).content.decode()
    assert html.lstrip().startswith('<div class="ledger"') and "<html" not in html
    assert 'data-status="2 results found"' in html and row_papers(html) == ["amd2024", "amd2024"]


def test_chart_draws_headline_speedups_with_their_baselines_and_a_table(client, ledger):
    html = client.get(URL).content.decode()
    svg = re.search(r'<svg class="chart speedups".*?</svg>', html, re.S).group(0)
    assert svg.count("<rect ") == 3  # one bar per paper with a speedup
    assert "12× vs mixed pipelines | v2 &amp; $co" in svg and "7.5× vs Mixed pipelines" in svg
    assert '<text class="group"' in svg and ">Systems<" in svg and ">Serving<" in svg
    assert '<th scope="col">Headline speedup</th>' in html  # the numbers, as a table
    empty = client.get(URL, {"metric": "cost", "vendor": "nvidia"}).content.decode()
    assert "None of these results is a speedup." in empty and "chart speedups" not in empty


def test_pages_like_the_paper_list(client, ledger):
    gpu = GpuType.objects.get(name="V100")
    for index in range(60):
        paper = make_paper(citation_key=f"page{index:02}", year=2000)
        SetupGpu.objects.create(setup=Setup.objects.create(paper=paper), gpu_type=gpu, count=2)
        Result.objects.create(paper=paper, metric="cost", value=index + 1, unit="%")
    first = client.get(URL).content.decode()
    assert len(row_papers(first)) == 50 and 'rel="next"' in first
    second = client.get(URL, {"page": "2"}).content.decode()
    assert len(row_papers(second)) == 18 and 'rel="prev"' in second


def _more(n: int) -> None:
    gpu = GpuType.objects.get(name="A100-40GB")
    for index in range(n):
        paper = make_paper(citation_key=f"more{index}", year=2023)
        SetupGpu.objects.create(setup=Setup.objects.create(paper=paper), gpu_type=gpu, count=8)
        Result.objects.create(paper=paper, metric="throughput", value=1 + index, unit="x", versus="Megatron-LM")


@pytest.mark.parametrize(
    "params,limit",
    [
        # The chart reads four: best speedup per paper and the placements (both grouped in SQL), the tree, and
        # the drawn results.
        ({}, 11),
        ({"gpu": "A100", "vendor": "NVIDIA", "category": "systems", "workload": "inference", "partial": "1"}, 16),
    ],
)
def test_query_count_is_bounded(client, ledger, django_assert_max_num_queries, params, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(URL, params).status_code == 200
    _more(40)
    with django_assert_max_num_queries(limit):
        assert client.get(URL, params).status_code == 200
