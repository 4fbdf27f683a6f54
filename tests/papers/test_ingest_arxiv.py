"""Fetching from arXiv, against a loopback server serving Atom replies in the format of the API manual."""

import time
from types import SimpleNamespace

import pytest

from papers import ingestion, tasks
from papers.ingestion.arxiv import ArxivUnavailable
from papers.models import IngestRun, Paper, Source
from tests.data.fake_arxiv import Reply, atom_entry, serve_for_tests
from tests.factories import make_paper

pytestmark = pytest.mark.django_db

HETPIPE = "2005.14038"
HELIX = "2406.01566"
HETHUB = "2405.16256"


@pytest.fixture
def arxiv(settings):
    yield from serve_for_tests(settings, synthesize=True)


def fetch(*ids):
    """Through the Celery task (eager in tests), as the admin, API and commands do."""
    run_id = tasks.fetch_arxiv.delay(ids=list(ids)).get()
    return IngestRun.objects.get(pk=run_id)


@pytest.mark.parametrize(
    "pasted",
    [
        "2005.14038",
        "2005.14038v2",
        "arXiv:2005.14038",
        "https://arxiv.org/abs/2005.14038",
        "http://arxiv.org/abs/2005.14038v1",
        "https://arxiv.org/pdf/2005.14038v1.pdf",
        "https://arxiv.org/pdf/2005.14038",
    ],
)
def test_it_accepts_every_form_people_paste(arxiv, pasted):
    run = fetch(pasted)
    assert (run.state, run.created_count) == ("done", 1)
    paper = Paper.objects.get()
    assert (paper.arxiv_id, paper.arxiv_version) == (HETPIPE, 1)
    assert arxiv.requests[0]["id_list"] == [HETPIPE]


def test_it_accepts_old_style_ids(arxiv):
    run = fetch("cs/0112017", "arXiv:math.GT/0309136v2")
    assert run.created_count == 2
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == {"cs/0112017", "math.GT/0309136"}


def test_it_maps_an_entry_onto_a_paper(arxiv):
    fetch(HETPIPE)
    paper = Paper.objects.with_authors().get()
    assert paper.title == (
        "HetPipe: Enabling Large DNN Training on (Whimpy) Heterogeneous GPU Clusters through Integration "
        "of Pipelined Model Parallelism and Data Parallelism"
    )
    assert paper.arxiv_title == paper.title
    assert paper.abstract.startswith("[Test fixture: paraphrase") and "\n" not in paper.abstract
    assert "  " not in paper.abstract
    assert [a.name for a in paper.ordered_authors][:3] == ["Jay H. Park", "Gyeongchan Yun", "Chang M. Yi"]
    assert [a.family_name for a in paper.ordered_authors][-1] == "Choi"
    assert (paper.year, paper.month, paper.entry_type) == (2020, 5, "misc")
    assert (paper.venue, paper.venue_short) == ("arXiv preprint", "arXiv 2020")
    assert paper.url == "https://arxiv.org/abs/2005.14038"
    assert paper.pdf_url == "https://arxiv.org/pdf/2005.14038"
    assert paper.arxiv_published.isoformat() == "2020-05-01T00:00:00+00:00"
    assert paper.status == Paper.Status.PUBLIC
    assert paper.field_sources["title"] == Source.ARXIV
    assert paper.citation_key == "park2020hetpipe"


def test_it_maps_categories_doi_journal_ref_and_comment(arxiv):
    arxiv.add_entry(
        atom_entry(
            arxiv_id="2501.00001",
            version=3,
            title="Synthetic entry with publication data",
            summary="Made up for this test.",
            authors=["Ada Lovelace", "Charles Babbage"],
            published="2025-01-02T10:00:00Z",
            updated="2025-03-04T10:00:00Z",
            primary_category="cs.DC",
            categories=("cs.DC", "cs.LG"),
            doi="10.1145/0000000.0000001",
            journal_ref="Proc. Synthetic Conf. 2025, 1-10",
            comment="12 pages, 5 figures",
        )
    )
    fetch("2501.00001")
    paper = Paper.objects.get()
    assert (paper.arxiv_primary_category, paper.arxiv_categories) == ("cs.DC", ["cs.DC", "cs.LG"])
    assert paper.doi == "10.1145/0000000.0000001"
    assert paper.journal_ref == "Proc. Synthetic Conf. 2025, 1-10"
    assert paper.arxiv_comment == "12 pages, 5 figures"
    assert paper.arxiv_version == 3
    assert paper.arxiv_updated.isoformat() == "2025-03-04T10:00:00+00:00"


def test_it_fetches_250_ids_in_at_most_3_requests(arxiv):
    ids = [f"2401.{n:05d}" for n in range(250)]
    run = fetch(*ids)
    assert run.created_count == 250
    assert len(arxiv.requests) <= 3 and run.requests_made == len(arxiv.requests)
    assert Paper.objects.count() == 250


@pytest.fixture
def no_sleep(monkeypatch):
    """The tasks' time.sleep, recorded instead of waited for (the fake arXiv's own delays still happen)."""
    slept = []
    monkeypatch.setattr(tasks, "time", SimpleNamespace(sleep=slept.append))
    return slept


@pytest.fixture
def broker(no_sleep):
    """As with CELERY_BROKER_URL set: the tasks retry transient arXiv failures with backoff."""
    conf = tasks.fetch_arxiv.app.conf
    before, conf.task_always_eager = conf.task_always_eager, False
    yield no_sleep
    conf.task_always_eager = before


def fetch_in_process(*ids):
    """The task run here and now, as a command does (with a broker: retries wait in this process)."""
    run_id = tasks.fetch_arxiv.apply(kwargs={"ids": list(ids)}).get()
    return IngestRun.objects.get(pk=run_id)


# --- without a broker (eager: maybe inside a web request) a transient failure fails the run at once ---------
@pytest.mark.parametrize(
    "reply, reason",
    [
        (Reply(status=500, body=b"Internal Server Error"), "arXiv answered HTTP 500."),
        (Reply(status=503, body=b"busy", headers=(("Retry-After", "900"),)), "arXiv answered HTTP 503."),
        (Reply(delay=2.0), "arXiv did not answer within 0.5 s."),
        (Reply(status=200, body=b""), "arXiv sent an empty reply."),
    ],
    ids=["http-500", "503-retry-after-900", "timeout", "empty-body"],
)
def test_without_a_broker_a_transient_failure_fails_the_run_at_once_with_the_reason(arxiv, no_sleep, reply, reason):
    arxiv.script.append(reply)
    started = time.perf_counter()
    run = fetch(HETPIPE)
    assert time.perf_counter() - started < 5  # the timeout case waits its 0.5 s, nothing more
    assert no_sleep == []
    assert (run.state, run.attempts, run.next_attempt_at) == ("failed", 1, None)
    assert len(arxiv.requests) == 1  # no second try
    assert run.error == f"arXiv is unavailable: {reason} Nothing was stored; try again later."
    assert not Paper.objects.exists()
    # The curator tries again once arXiv answers.
    assert fetch(HETPIPE).state == "done" and Paper.objects.count() == 1


def test_without_a_broker_a_curators_fetch_through_the_api_answers_and_fails_fast(
    arxiv, no_sleep, api, django_user_model, django_capture_on_commit_callbacks
):
    api.force_authenticate(django_user_model.objects.create_user("curator", is_staff=True))
    arxiv.script.append(Reply(status=503, body=b"busy", headers=(("Retry-After", "900"),)))
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/imports/arxiv/", {"ids": [HETPIPE]}, format="json")
    assert response.status_code == 202 and time.perf_counter() - started < 5 and no_sleep == []
    body = api.get(response.json()["url"]).json()
    assert body["state"] == "failed"
    assert body["error"] == "arXiv is unavailable: arXiv answered HTTP 503. Nothing was stored; try again later."


# --- with a broker, transient failures are retried with backoff ------------------------------------------------
def test_with_a_broker_it_retries_after_http_500(arxiv, broker):
    arxiv.script.append(Reply(status=500, body=b"Internal Server Error"))
    run = fetch_in_process(HETPIPE)
    assert (run.state, run.created_count, run.attempts, run.requests_made) == ("done", 1, 2, 2)
    assert broker == [0]  # one backoff (0 s in tests)


def test_with_a_broker_it_retries_a_slow_reply_after_its_timeout(arxiv, broker):
    arxiv.script.append(Reply(delay=2.0))
    run = fetch_in_process(HETPIPE)
    assert (run.state, run.created_count, run.attempts) == ("done", 1, 2)


def test_with_a_broker_it_retries_an_empty_body(arxiv, broker):
    arxiv.script.append(Reply(status=200, body=b""))
    run = fetch_in_process(HETPIPE)
    assert (run.state, run.created_count, run.attempts) == ("done", 1, 2)


def test_with_a_broker_it_fails_the_run_when_arxiv_stays_down(arxiv, broker, settings):
    settings.ARXIV_MAX_RETRIES = 2
    settings.ARXIV_RETRY_BACKOFF_SECONDS = 30
    arxiv.script.extend([Reply(status=503, body=b"busy")] * 3)
    run = fetch_in_process(HETPIPE)
    assert run.state == "failed" and run.attempts == 3
    assert "arXiv unavailable after 3 attempts: arXiv answered HTTP 503." in run.error
    assert broker == [30, 60]
    assert not Paper.objects.exists()


def test_on_a_worker_a_transient_failure_is_handed_back_to_the_broker_with_its_countdown(settings):
    """A worker does not wait: Celery re-sends the message after the backoff, and the run says so."""
    settings.ARXIV_RETRY_BACKOFF_SECONDS = 30
    run = IngestRun.objects.create_run(kind=IngestRun.Kind.ARXIV_FETCH, input=HETPIPE)
    run.start()
    retried = {}

    class Retry(Exception):
        pass

    def retry(**options):
        retried.update(options)
        return Retry()

    worker_task = SimpleNamespace(
        request=SimpleNamespace(retries=1, is_eager=False),
        app=SimpleNamespace(conf=SimpleNamespace(task_always_eager=False)),
        retry=retry,
    )

    def call():
        raise ArxivUnavailable("arXiv answered HTTP 503.", retry_after=10)

    with pytest.raises(Retry):
        tasks._with_backoff(worker_task, run, call, {"run_id": run.pk})
    assert (retried["countdown"], retried["kwargs"]) == (60, {"run_id": run.pk})
    run.refresh_from_db()
    assert run.state == "running" and run.next_attempt_at is not None
    assert run.error == "Attempt 1 failed: arXiv answered HTTP 503. Retrying in 60 s."


def test_a_retry_waits_at_least_as_long_as_arxiv_asks(settings):
    settings.ARXIV_RETRY_BACKOFF_SECONDS = 30
    settings.ARXIV_RETRY_BACKOFF_MAX_SECONDS = 3600
    assert [tasks.backoff_seconds(n) for n in range(4)] == [30, 60, 120, 240]
    assert tasks.backoff_seconds(0, retry_after=90) == 90
    assert tasks.backoff_seconds(10) == 3600


def test_an_empty_page_reports_every_id_as_not_found(arxiv):
    arxiv.synthesize = False
    run = fetch("2501.99998", "2501.99999")
    assert (run.state, run.failed_count) == ("done", 2)
    assert run.messages[0] == {
        "entry": "2501.99998",
        "outcome": "failed",
        "paper": "",
        "message": "arXiv has no paper 2501.99998.",
    }


def test_malformed_xml_fails_the_run_and_changes_nothing(arxiv):
    paper = make_paper(arxiv_id=HETPIPE, title="As stored")
    before = Paper.objects.values().get(pk=paper.pk)
    arxiv.script.append(Reply(body=b'<?xml version="1.0"?><feed><entry><title>HetPipe</entry>'))
    run = fetch(HETPIPE, HELIX)
    assert run.state == "failed" and run.attempts == 1
    assert run.error.startswith("arXiv sent malformed XML") and run.error.endswith("Nothing was stored.")
    assert Paper.objects.values().get(pk=paper.pk) == before
    assert Paper.objects.count() == 1


def test_a_malformed_id_fails_alone(arxiv):
    run = fetch("not-an-id", HETPIPE)
    assert (run.created_count, run.failed_count) == (1, 1)
    assert run.messages[0]["message"] == "Not an arXiv identifier: 'not-an-id'"


def test_refreshing_a_published_paper_keeps_its_published_metadata(arxiv, seed):
    run = fetch(HETPIPE, HELIX)
    assert (run.updated_count, run.created_count) == (2, 0)
    helix = Paper.objects.get(arxiv_id=HELIX)
    assert helix.title == "Helix: Serving Large Language Models over Heterogeneous GPUs and Network via Max-Flow"
    assert helix.arxiv_title == "Helix: Distributed Serving of Large Language Models via Max-Flow on Heterogeneous GPUs"
    assert (helix.entry_type, helix.venue_short, helix.doi) == (
        "inproceedings",
        "ASPLOS 2025",
        "10.1145/3669940.3707215",
    )
    assert helix.url == "https://doi.org/10.1145/3669940.3707215"
    assert helix.abstract and helix.pdf_url and helix.arxiv_version == 1
    assert helix.field_sources["title"] == Source.CORPUS and helix.field_sources["abstract"] == Source.ARXIV
    assert not helix.needs_review


def test_running_twice_changes_nothing_the_second_time(arxiv, seed):
    fetch(HETPIPE, HELIX, HETHUB, "2501.00042")
    before = list(Paper.objects.order_by("pk").values())
    run = fetch(HETPIPE, HELIX, HETHUB, "2501.00042")
    assert (run.unchanged_count, run.updated_count, run.created_count) == (4, 0, 0)
    assert list(Paper.objects.order_by("pk").values()) == before


def test_a_newer_version_on_arxiv_flags_the_paper(arxiv, seed):
    fetch(HETHUB)
    arxiv.serve_version(HETHUB, 2)
    run = fetch(HETHUB)
    hethub = Paper.objects.get(arxiv_id=HETHUB)
    assert run.updated_count == 1 and "flagged for review" in run.messages[0]["message"]
    assert hethub.arxiv_version == 2
    assert hethub.needs_review and hethub.review_reason == "arXiv v2 is out (v1 seen before)."
    # The corpus title (v1) stays; arXiv's new title is recorded beside it.
    assert hethub.title == "HetHub: A Heterogeneous distributed hybrid training system for large-scale models"
    assert hethub.arxiv_title.startswith("HETHUB: A Distributed Training System")


def test_a_doi_appearing_on_arxiv_fills_it_and_flags_the_paper(arxiv):
    fetch("2501.00007")
    arxiv.add_entry(
        atom_entry(
            arxiv_id="2501.00007",
            version=1,
            title="Synthetic test entry 2501.00007",
            summary="Made up.",
            authors=["Test Author"],
            published="2024-01-01T00:00:00Z",
            doi="10.1000/published.7",
            journal_ref="Synthetic Journal 1 (2025)",
        )
    )
    run = fetch("2501.00007")
    paper = Paper.objects.get()
    assert run.updated_count == 1
    assert paper.doi == "10.1000/published.7" and paper.journal_ref == "Synthetic Journal 1 (2025)"
    assert paper.needs_review
    assert "DOI 10.1000/published.7: a published version exists" in paper.review_reason
    assert "journal reference" in paper.review_reason


def test_an_arxiv_doi_owned_by_another_paper_is_not_moved(arxiv):
    other = make_paper(doi="10.1000/published.8")
    fetch("2501.00008")
    arxiv.add_entry(
        atom_entry(
            arxiv_id="2501.00008",
            version=1,
            title="Synthetic test entry 2501.00008",
            summary="Made up.",
            authors=["Test Author"],
            published="2024-01-01T00:00:00Z",
            doi="10.1000/published.8",
        )
    )
    run = fetch("2501.00008")
    preprint = Paper.objects.get(arxiv_id="2501.00008")
    assert preprint.doi is None and preprint.needs_review
    assert f"which is {other.citation_key}" in preprint.review_reason
    assert f"belongs to {other.citation_key}" in run.messages[0]["message"]


def test_a_field_a_curator_edited_is_never_overwritten(arxiv):
    fetch(HETPIPE)
    paper = Paper.objects.get()
    paper.title = "HetPipe (curated title)"
    paper.field_sources["title"] = Source.CURATOR
    paper.save()
    arxiv.add_entry(
        atom_entry(
            arxiv_id=HETPIPE,
            version=2,
            title="HetPipe, retitled on arXiv",
            summary="Made up for this test.",
            authors=["Jay H. Park"],
            published="2020-05-01T00:00:00Z",
        )
    )
    arxiv.serve_version(HETPIPE, 2)
    fetch(HETPIPE)
    paper.refresh_from_db()
    assert paper.title == "HetPipe (curated title)"
    assert paper.arxiv_title == "HetPipe, retitled on arXiv"
    # Same source: the abstract and the author list follow arXiv.
    assert paper.abstract == "Made up for this test."
    assert paper.authorships.count() == 1


def test_the_service_can_be_called_without_celery(arxiv):
    run = ingestion.fetch_arxiv(ids=[HETPIPE])
    assert run.state == "done" and run.created_count == 1
