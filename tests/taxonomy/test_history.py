"""Recorded writes of evaluation facts: every kind gets a ChangeRecord with before/after, like placements."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from taxonomy.models import Baseline, ChangeRecord, EvaluatedModel, GpuType, Result, Setup, SetupGpu
from taxonomy.services import RECORDED_MODELS, delete_with_history, save_with_history
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_user("curator", password="pw", is_staff=True)


@pytest.fixture
def paper():
    return make_paper(citation_key="het2024")


@pytest.fixture
def a100():
    return GpuType.objects.create(name="A100-TEST", vendor="NVIDIA", fp16_tflops=Decimal("312"))


def new_facts(paper, gpu_type):
    """One unsaved fact of each evaluation kind, with the kind its record should carry."""
    setup = Setup.objects.create(paper=paper, nodes=2, interconnect=["RoCE 100Gbps"], evidence="§5.1")
    return [
        (Setup(paper=paper, nodes=4, evidence="Table 2"), "setup"),
        (SetupGpu(setup=setup, gpu_type=gpu_type, count=8), "setup-gpu"),
        (Result(paper=paper, metric="throughput", value=Decimal("2.3"), unit="x", evidence="abstract"), "result"),
        (Baseline(paper=paper, name="Megatron-LM"), "baseline"),
        (EvaluatedModel(paper=paper, name="GPT-3 2.7B"), "model"),
    ]


def test_every_evaluation_fact_is_a_recorded_model():
    assert {Setup, SetupGpu, Result, Baseline, EvaluatedModel} <= set(RECORDED_MODELS)


def test_creating_each_kind_records_it_with_its_paper(curator, paper, a100):
    for instance, kind in new_facts(paper, a100):
        record = save_with_history(user=curator, instance=instance)
        assert (record.kind, record.action, record.username) == (kind, "created", "curator")
        assert record.object_id == instance.pk and record.before is None
        assert record.citation_key == "het2024" and record.paper == paper
        assert record.after["paper"] == "het2024"


def test_a_setup_gpu_belongs_to_its_setups_paper(curator, paper, a100):
    setup = Setup.objects.create(paper=paper)
    record = save_with_history(user=curator, instance=SetupGpu(setup=setup, gpu_type=a100, count=4))
    assert record.paper == paper and record.citation_key == paper.citation_key
    assert record.after == {
        "paper": "het2024",
        "setup": setup.pk,
        "gpu_type": "A100-TEST",
        "type_text": "",
        "count": 4,
        "confirmed": True,
        "position": 0,
    }


def test_updating_a_result_records_before_and_after(curator, paper):
    result = Result.objects.create(paper=paper, metric="throughput", value=Decimal("2.3"), unit="x", evidence="§5")
    result.refresh_from_db()  # read back as the database holds it: 2.300
    result.value = Decimal("2.5")
    result.evidence = "Table 3"

    record = save_with_history(user=curator, instance=result)

    assert record.action == "updated" and record.kind == "result"
    assert (record.before["value"], record.after["value"]) == ("2.3", "2.5")
    assert (record.before["evidence"], record.after["evidence"]) == ("§5", "Table 3")


def test_an_unchanged_number_records_nothing_however_written(curator, paper):
    result = Result.objects.create(paper=paper, metric="latency", value=Decimal("2.300"), unit="x", evidence="§5")
    result.value = Decimal("2.3")
    assert save_with_history(user=curator, instance=result) is None
    assert not ChangeRecord.objects.exists()


def test_a_baseline_records_the_linked_paper_by_its_key(curator, paper):
    other = make_paper(citation_key="park2020hetpipe")
    record = save_with_history(user=curator, instance=Baseline(paper=paper, name="HetPipe", baseline_paper=other))
    assert record.after["baseline_paper"] == "park2020hetpipe"


def test_deleting_a_setup_records_its_gpu_rows_first(curator, paper, a100):
    setup = Setup.objects.create(paper=paper, nodes=2, evidence="§5.1")
    rows = [
        SetupGpu.objects.create(setup=setup, gpu_type=a100, count=8),
        SetupGpu.objects.create(setup=setup, type_text="MI250", count=4),
    ]

    record = delete_with_history(user=curator, instance=setup)

    assert record.kind == "setup" and record.action == "deleted" and record.after is None
    assert record.before["nodes"] == 2 and record.object_id == setup.pk
    gone = ChangeRecord.objects.filter(kind="setup-gpu", action="deleted")
    assert sorted(gone.values_list("object_id", flat=True)) == sorted(row.pk for row in rows)
    assert {change.citation_key for change in gone} == {"het2024"}
    assert not Setup.objects.exists() and not SetupGpu.objects.exists()


def test_an_invalid_fact_is_refused_and_not_recorded(curator, paper):
    with pytest.raises(ValidationError):
        save_with_history(user=curator, instance=Result(paper=paper, metric="throughput"))  # no value, no text
    assert not ChangeRecord.objects.exists()


def test_the_database_refuses_an_unknown_kind(paper):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRecord.objects.create(citation_key="het2024", kind="gpu-type", action="created", object_id=1)
