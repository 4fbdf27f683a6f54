"""The admin edits evaluation facts: the paper's inlines, the setup page with its GPU rows, the GPU types; every
edit of a recorded fact is a ChangeRecord that /api/changes/ lists."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taxonomy.models import Baseline, ChangeRecord, EvaluatedModel, GpuType, Result, Setup, SetupGpu
from tests.factories import make_paper
from tests.test_admin import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def gpus():
    return {
        "A100": GpuType.objects.create(
            name="A100-T", vendor="NVIDIA", fp16_tflops=Decimal("312"), aliases=["A100 40G"]
        ),
        "V100": GpuType.objects.create(name="V100-T", vendor="NVIDIA", fp16_tflops=Decimal("125")),
    }


def paper_with_facts(gpus, n: int = 1, **overrides):
    """A paper with n of each fact: setups (two GPU types each), results, baselines, models."""
    paper = make_paper(**overrides)
    for i in range(n):
        setup = Setup.objects.create(paper=paper, position=i, nodes=2, interconnect=["RoCE"], simulated=False)
        SetupGpu.objects.create(setup=setup, gpu_type=gpus["A100"], count=8)
        SetupGpu.objects.create(setup=setup, gpu_type=gpus["V100"], count=8, position=1)
        Result.objects.create(
            paper=paper, position=i, metric="throughput", value=Decimal("2.3"), unit="x", evidence="§5"
        )
        Baseline.objects.create(paper=paper, position=i, name=f"System {i}")
        EvaluatedModel.objects.create(paper=paper, position=i, name=f"GPT-{i}")
    return paper


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def formset_of(page, model):
    return next(inline.formset for inline in page.context["inline_admin_formsets"] if inline.formset.model is model)


def test_the_paper_page_shows_setups_results_baselines_and_models(staff_client, gpus):
    paper = paper_with_facts(gpus)
    setup = paper.setups.get()

    page = staff_client.get(change_url(paper))

    html = page.content.decode()
    assert page.status_code == 200
    assert "8x A100-T, 8x V100-T" in html and f'href="/admin/taxonomy/setup/{setup.pk}/change/">edit GPUs' in html
    assert "System 0" in html and "GPT-0" in html and 'value="2.300"' in html
    assert {Setup, Result, Baseline, EvaluatedModel} <= {
        inline.formset.model for inline in page.context["inline_admin_formsets"]
    }


def test_the_paper_page_reads_the_same_number_of_queries_for_one_or_many_facts(staff_client, gpus):
    def queries_for(paper):
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(change_url(paper)).status_code == 200
        return len(captured)

    one, many = paper_with_facts(gpus, 1), paper_with_facts(gpus, 6)
    queries_for(one)  # warm the session and content types
    assert queries_for(many) == queries_for(one)


def test_an_admin_edit_of_a_result_is_recorded_and_listed_by_the_api(staff_client, api, gpus):
    paper = paper_with_facts(gpus, 2)
    page = staff_client.get(change_url(paper))
    data = change_form_data(page)
    results = formset_of(page, Result)
    data[f"{results.prefix}-0-value"] = "2.5"
    data[f"{results.prefix}-0-evidence"] = "Table 3"

    assert staff_client.post(change_url(paper), data).status_code == 302

    # Only the edited row is recorded: the unchanged inlines posted back write nothing.
    change = ChangeRecord.objects.get(citation_key=paper.citation_key)
    assert (change.kind, change.action, change.username) == ("result", "updated", "curator")
    assert (change.before["value"], change.after["value"]) == ("2.3", "2.5")
    assert (change.before["evidence"], change.after["evidence"]) == ("§5", "Table 3")
    [listed] = api.get(f"/api/changes/?paper={paper.citation_key}").json()["results"]
    assert listed["kind"] == "result" and listed["after"]["evidence"] == "Table 3" and listed["user"] == "curator"


def test_deleting_a_setup_on_the_paper_page_records_it_and_its_gpu_rows(staff_client, api, gpus):
    paper = paper_with_facts(gpus, 2)
    setup = paper.setups.get(position=0)
    page = staff_client.get(change_url(paper))
    data = change_form_data(page)
    setups = formset_of(page, Setup)
    index = next(i for i, form in enumerate(setups.forms) if form.instance.pk == setup.pk)
    data[f"{setups.prefix}-{index}-DELETE"] = "on"

    assert staff_client.post(change_url(paper), data).status_code == 302

    assert not Setup.objects.filter(pk=setup.pk).exists() and paper.setups.count() == 1
    deleted = ChangeRecord.objects.get(kind="setup")
    assert deleted.action == "deleted" and deleted.after is None and deleted.before["interconnect"] == ["RoCE"]
    assert ChangeRecord.objects.filter(kind="setup-gpu", action="deleted").count() == 2
    kinds = [change["kind"] for change in api.get("/api/changes/").json()["results"]]
    assert sorted(kinds) == ["setup", "setup-gpu", "setup-gpu"]
    assert [change["object_id"] for change in api.get("/api/changes/?kind=setup").json()["results"]] == [setup.pk]


def test_adding_a_baseline_and_a_model_on_the_paper_page_is_recorded(staff_client, gpus):
    paper = paper_with_facts(gpus)
    other = make_paper(citation_key="park2020hetpipe")
    page = staff_client.get(change_url(paper))
    data = change_form_data(page)
    for model, fields in (
        (Baseline, {"name": "HetPipe", "baseline_paper": other.pk}),
        (EvaluatedModel, {"name": "BERT"}),
    ):
        formset = formset_of(page, model)
        data[f"{formset.prefix}-TOTAL_FORMS"] += 1
        data.update({f"{formset.prefix}-1-{name}": value for name, value in {"position": 1, **fields}.items()})

    assert staff_client.post(change_url(paper), data).status_code == 302

    records = {change.kind: change for change in ChangeRecord.objects.all()}
    assert set(records) == {"baseline", "model"}
    assert records["baseline"].after["baseline_paper"] == "park2020hetpipe" and records["model"].action == "created"


def test_a_paper_cannot_be_its_own_baseline(staff_client, gpus):
    paper = paper_with_facts(gpus)
    page = staff_client.get(change_url(paper))
    data = change_form_data(page)
    data[f"{formset_of(page, Baseline).prefix}-0-baseline_paper"] = paper.pk

    response = staff_client.post(change_url(paper), data)

    assert response.status_code == 200 and "A paper is not its own baseline." in response.content.decode()
    assert not ChangeRecord.objects.exists()


def test_a_new_setup_with_no_interconnect_gets_an_empty_list(staff_client, gpus):
    paper = paper_with_facts(gpus)
    page = staff_client.get(change_url(paper))
    data = change_form_data(page)
    prefix = formset_of(page, Setup).prefix
    data[f"{prefix}-TOTAL_FORMS"] += 1
    data.update(
        {
            f"{prefix}-1-position": 1,
            f"{prefix}-1-nodes": 3,
            f"{prefix}-1-interconnect": "",
            f"{prefix}-1-simulated": "unknown",
        }
    )

    assert staff_client.post(change_url(paper), data).status_code == 302
    assert paper.setups.get(position=1).interconnect == []
    assert ChangeRecord.objects.get().after["nodes"] == 3


def test_the_setup_page_shows_derived_facts_and_records_gpu_row_edits(staff_client, gpus):
    paper = paper_with_facts(gpus)
    setup = paper.setups.get()
    page = staff_client.get(change_url(setup))
    html = page.content.decode()
    assert page.status_code == 200
    assert "2.5" in html  # compute ratio: 312 / 125 TFLOPS
    assert 'alt="True"' in html  # mixed GPU types

    data = change_form_data(page)
    rows = formset_of(page, SetupGpu)
    data[f"{rows.prefix}-1-count"] = 4

    assert staff_client.post(change_url(setup), data).status_code == 302
    change = ChangeRecord.objects.get()
    assert (change.kind, change.citation_key) == ("setup-gpu", paper.citation_key)
    assert (change.before["count"], change.after["count"]) == (8, 4)


def test_deleting_a_setup_on_its_page_is_recorded(staff_client, gpus):
    setup = paper_with_facts(gpus).setups.get()
    assert staff_client.post(f"/admin/taxonomy/setup/{setup.pk}/delete/", {"post": "yes"}).status_code == 302
    assert sorted(ChangeRecord.objects.values_list("kind", flat=True)) == ["setup", "setup-gpu", "setup-gpu"]


def test_the_setup_list_shows_the_derived_columns(staff_client, gpus):
    paper_with_facts(gpus, 3)
    with CaptureQueriesContext(connection) as few:
        assert staff_client.get("/admin/taxonomy/setup/").status_code == 200
    paper_with_facts(gpus, 3)
    with CaptureQueriesContext(connection) as more:
        page = staff_client.get("/admin/taxonomy/setup/")
    assert page.content.decode().count("8x A100-T, 8x V100-T") == 6
    assert len(more) == len(few)


@pytest.mark.parametrize("query", ["A100-T", "a100 40g"])
def test_gpu_types_are_listed_with_their_figures_and_found_by_name_or_alias(staff_client, gpus, query):
    page = staff_client.get(f"/admin/taxonomy/gputype/?q={query}").content.decode()
    assert "A100-T" in page and "V100-T" not in page
    assert "312.00" in page
