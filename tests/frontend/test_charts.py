import pytest

from frontend.charts import UNPLACED, papers_per_year_chart, techniques_by_category_chart
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


def test_papers_per_year_counts_each_paper_once_under_its_first_top_level_category(seed):
    chart = papers_per_year_chart()
    assert chart.columns == [
        "Year",
        "Inter-pipeline heterogeneity",
        "Intra-pipeline heterogeneity",
        "Other papers on heterogeneous clusters",
    ]
    rows = {row[0]: row[1:] for row in chart.rows}
    assert rows[2020] == [1, 0, 0, 1]  # HetPipe: inter- and intra-pipeline, counted under inter
    assert rows[2021] == [0, 0, 0, 0]  # the axis has no gaps
    assert sum(row[-1] for row in chart.rows) == 9


def test_papers_without_a_placement_get_their_own_series(seed):
    make_paper(year=2025)
    chart = papers_per_year_chart()
    assert chart.columns[-1] == UNPLACED and chart.rows[-1][0] == 2025 and chart.rows[-1][-2] == 1


def test_techniques_by_category_counts_papers_in_each_subtree(seed):
    chart = techniques_by_category_chart(max_techniques=100)
    rows = {row[0]: dict(zip(chart.columns[1:], row[1:], strict=True)) for row in chart.rows}
    assert rows["Intra-pipeline heterogeneity"]["ILP"] == 1
    assert rows["Intra-pipeline heterogeneity"]["Reinforcement learning"] == 1
    assert "<circle" in chart.svg and 'role="img"' in chart.svg


def test_an_empty_catalogue_draws_empty_charts(db):
    assert papers_per_year_chart().rows == [] and techniques_by_category_chart().rows == []
