"""The arXiv watch: saved queries, run daily by beat, bring new papers in as candidates."""

import pytest
from django.conf import settings as django_settings

from config.celery import app
from papers import tasks
from papers.models import ArxivQuery, IngestRun, Paper
from tests.data.fake_arxiv import serve_for_tests

pytestmark = pytest.mark.django_db

QUERY = 'all:"heterogeneous GPU" AND cat:cs.DC'


@pytest.fixture
def arxiv(settings):
    yield from serve_for_tests(settings, synthesize=True)


def watch() -> IngestRun:
    return IngestRun.objects.get(pk=tasks.watch_arxiv.delay().get())


def test_it_is_scheduled_daily_by_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["watch-arxiv-daily"]
    assert entry["task"] == "papers.watch_arxiv" and entry["task"] in app.tasks
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}


def test_new_papers_arrive_as_candidates_not_public(arxiv):
    query = ArxivQuery.objects.create(name="Heterogeneous GPUs", query=QUERY, max_results=20)
    arxiv.search_results = ["2501.00001", "2501.00002"]
    run = watch()
    assert (run.state, run.created_count) == ("done", 2)
    assert set(Paper.objects.candidates().values_list("arxiv_id", flat=True)) == {"2501.00001", "2501.00002"}
    assert not Paper.objects.public().exists()
    assert arxiv.requests[0]["search_query"] == [QUERY]
    assert arxiv.requests[0]["sortBy"] == ["submittedDate"] and arxiv.requests[0]["max_results"] == ["20"]
    query.refresh_from_db()
    assert query.last_run_new == 2 and query.last_run_at is not None


def test_a_rejected_paper_is_never_proposed_again(arxiv):
    ArxivQuery.objects.create(name="GPU", query=QUERY)
    arxiv.search_results = ["2501.00001"]
    watch()
    Paper.objects.update(status=Paper.Status.REJECTED)
    run = watch()
    assert (run.created_count, run.unchanged_count) == (0, 1)
    assert run.messages[0]["message"] == "A curator rejected this paper; left as it is."
    assert Paper.objects.get().status == Paper.Status.REJECTED


def test_papers_already_in_the_catalogue_stay_public(arxiv, seed):
    ArxivQuery.objects.create(name="GPU", query=QUERY)
    arxiv.search_results = ["2005.14038", "2501.00009"]
    run = watch()
    assert (run.created_count, run.updated_count) == (1, 1)
    assert Paper.objects.get(arxiv_id="2005.14038").status == Paper.Status.PUBLIC
    assert Paper.objects.get(arxiv_id="2501.00009").status == Paper.Status.CANDIDATE


def test_the_same_paper_from_two_queries_is_proposed_once(arxiv):
    ArxivQuery.objects.create(name="A", query=QUERY)
    ArxivQuery.objects.create(name="B", query="all:pipeline")
    arxiv.search_results = ["2501.00001"]
    run = watch()
    assert run.created_count == 1 and Paper.objects.count() == 1
    assert run.input == f"{QUERY}\nall:pipeline"


def test_inactive_queries_are_not_run(arxiv):
    ArxivQuery.objects.create(name="Off", query=QUERY, is_active=False)
    run = watch()
    assert run.state == "done" and arxiv.requests == []


def test_running_the_watch_twice_changes_nothing_the_second_time(arxiv):
    ArxivQuery.objects.create(name="GPU", query=QUERY)
    arxiv.search_results = ["2501.00001", "2005.14038"]
    watch()
    before = list(Paper.objects.order_by("pk").values())
    assert watch().unchanged_count == 2
    assert list(Paper.objects.order_by("pk").values()) == before


def test_a_curator_adding_a_candidate_on_purpose_makes_it_public(arxiv):
    ArxivQuery.objects.create(name="GPU", query=QUERY)
    arxiv.search_results = ["2501.00001"]
    watch()
    run = IngestRun.objects.get(pk=tasks.fetch_arxiv.delay(ids=["2501.00001"]).get())
    assert run.updated_count == 1 and "status" in run.messages[0]["message"]
    assert Paper.objects.get().status == Paper.Status.PUBLIC
