import csv
import io

import pytest

from taxonomy.compare import cell_text

pytestmark = pytest.mark.django_db


def comparison(api, query):
    response = api.get(f"/api/compare/?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_intra_pipeline_papers_compare_on_technique_with_evidence(api, seed):
    data = comparison(api, "category=intra-pipeline")
    rows = {row["paper"]["citation_key"]: row for row in data["rows"]}
    assert set(rows) == {"park2020hetpipe", "liu2023heterps"}
    hetpipe = {v["term"]: v for v in rows["park2020hetpipe"]["cells"]["technique"]}
    heterps = {v["term"]: v for v in rows["liu2023heterps"]["cells"]["technique"]}
    assert hetpipe["ilp"]["evidence"] == "§7" and hetpipe["ilp"]["confirmed"] is False
    assert heterps["reinforcement-learning"]["evidence"] == "abstract"


def test_rows_follow_the_order_asked_and_carry_category_notes(api, seed):
    data = comparison(api, "papers=mei2025helix,park2020hetpipe")
    assert [r["paper"]["citation_key"] for r in data["rows"]] == ["mei2025helix", "park2020hetpipe"]
    assert {c["slug"] for c in data["rows"][1]["categories"]} == {"decentralized-synchronization", "intra-pipeline"}


def test_missing_cells_are_null_and_empty_columns_left_out(api, seed):
    # Evaluated hardware: the abstracts of Oobleck and HetPipe name no GPUs.
    data = comparison(api, "papers=jang2023oobleck,park2020hetpipe")
    slugs = [c["slug"] for c in data["columns"]]
    assert "evaluated-hardware" not in slugs and "technique" in slugs
    data = comparison(api, "papers=jang2023oobleck,xu2024hethub")
    assert "evaluated-hardware" in [c["slug"] for c in data["columns"]]
    oobleck = next(r for r in data["rows"] if r["paper"]["citation_key"] == "jang2023oobleck")
    assert oobleck["cells"]["evaluated-hardware"] is None


def test_csv_markdown_and_latex_render_the_same_cells_as_json(api, seed):
    data = comparison(api, "category=intra-pipeline")
    expected = [[cell_text(row["cells"][c["slug"]]) for c in data["columns"]] for row in data["rows"]]
    table = list(csv.reader(io.StringIO(api.get("/api/compare/?category=intra-pipeline&format=csv").content.decode())))
    assert table[0][3:] == [c["name"] for c in data["columns"]]
    assert [row[3:] for row in table[1:]] == [[c or "" for c in cells] for cells in expected]

    markdown = api.get("/api/compare/?category=intra-pipeline&format=md").content.decode()
    latex = api.get("/api/compare/?category=intra-pipeline&format=latex").content.decode()
    assert "\\toprule" in latex and "\\bottomrule" in latex and "{\\textsection}7" in latex
    for cells in expected:
        for cell in cells:
            assert (cell or "—") in markdown.replace("\\|", "|")
    assert latex.count("\\\\") == len(data["rows"]) + 1


@pytest.mark.parametrize(
    "query", ["", "papers=nobody2099", "category=no-such-category", "papers=" + ",".join(f"k{n}" for n in range(101))]
)
def test_bad_selections_are_400(api, seed, query):
    assert api.get(f"/api/compare/?{query}").status_code == 400


def test_compare_query_count_does_not_grow(api, seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):  # 6 of them the evaluation facts
        comparison(api, "category=inter-pipeline")
