"""The curators' doors: import pages, refresh action, candidate inbox, runs, queries, ingestion health."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from papers.models import ArxivQuery, IngestRun, Paper
from taxonomy.models import Placement
from tests.data.fake_arxiv import serve_for_tests
from tests.factories import make_category, make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def arxiv(settings):
    yield from serve_for_tests(settings, synthesize=True)


@pytest.fixture
def post(staff_client, django_capture_on_commit_callbacks):
    """POST as staff, running the task the request queues (eager Celery) as its transaction commits."""

    def post(url, data, follow=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(url, data)
        if follow and response.status_code == 302:
            return staff_client.get(response["Location"])
        return response

    return post


PAGES = [
    "/admin/papers/paper/import-bibtex/",
    "/admin/papers/paper/add-arxiv/",
    "/admin/papers/paper/ingestion-health/",
    "/admin/papers/candidatepaper/",
    "/admin/papers/ingestrun/",
    "/admin/papers/arxivquery/",
    "/admin/papers/arxivquery/add/",
    "/admin/papers/paper/?needs_review__exact=1",
]


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_render_for_staff(staff_client, url):
    assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_are_closed_to_anonymous_users(client, url):
    assert client.get(url).status_code == 302


def test_the_paper_list_links_to_the_ingestion_pages(staff_client):
    page = staff_client.get("/admin/papers/paper/").content.decode()
    assert "Import BibTeX" in page and "Add by arXiv id" in page and "Ingestion health" in page


def test_importing_pasted_bibtex_shows_the_run_and_its_outcomes(post, staff_client):
    text = "@misc{k1, title = {One}, author = {Doe, Jane}}\n@misc{k2, author = {Doe, Jane}}"
    response = post("/admin/papers/paper/import-bibtex/", {"text": text})
    run = IngestRun.objects.get()
    assert response["Location"] == f"/admin/papers/ingestrun/{run.pk}/change/"
    page = staff_client.get(response["Location"]).content.decode()
    assert "1 created, 1 failed" in page
    assert "No title." in page and 'id="run-entries"' in page


def test_importing_an_uploaded_file(post):
    upload = SimpleUploadedFile("x.bib", b"@misc{k1, title = {One}, author = {Doe, Jane}}")
    post("/admin/papers/paper/import-bibtex/", {"file": upload})
    assert IngestRun.objects.get().input_name == "x.bib" and Paper.objects.filter(citation_key="k1").exists()


def test_the_import_form_refuses_nothing_and_too_much(staff_client, settings):
    page = staff_client.post("/admin/papers/paper/import-bibtex/", {"text": ""}).content.decode()
    assert "Upload a .bib file or paste BibTeX text" in page
    settings.BIBTEX_UPLOAD_MAX_BYTES = 10
    page = staff_client.post("/admin/papers/paper/import-bibtex/", {"text": "@misc{k, title={Long}}"}).content.decode()
    assert "the limit is" in page
    assert not IngestRun.objects.exists()


def test_adding_papers_by_arxiv_id(post, arxiv):
    response = post("/admin/papers/paper/add-arxiv/", {"ids": "2005.14038, arXiv:2406.01566v1"})
    assert response.status_code == 302
    assert set(Paper.objects.public().values_list("arxiv_id", flat=True)) == {"2005.14038", "2406.01566"}


def test_the_arxiv_form_names_bad_ids(staff_client):
    page = staff_client.post("/admin/papers/paper/add-arxiv/", {"ids": "2005.14038 bogus"}).content.decode()
    assert "Not an arXiv identifier: &#x27;bogus&#x27;" in page


def test_refresh_from_arxiv_action(post, arxiv, seed):
    papers = Paper.objects.filter(citation_key__in=["park2020hetpipe", "mei2025helix"])
    response = post(
        "/admin/papers/paper/",
        {"action": "refresh_from_arxiv", "_selected_action": [p.pk for p in papers]},
        follow=True,
    )
    run = IngestRun.objects.get()
    assert (run.kind, run.updated_count) == ("arxiv_fetch", 2)
    assert "2 updated" in response.content.decode()


def watch_candidates():
    return [
        make_paper(citation_key="cand1", title="Candidate one", status=Paper.Status.CANDIDATE, arxiv_id="2501.00001"),
        make_paper(citation_key="cand2", title="Candidate two", status=Paper.Status.CANDIDATE, arxiv_id="2501.00002"),
    ]


def test_the_inbox_lists_and_searches_candidates_only(staff_client, seed):
    watch_candidates()
    page = staff_client.get("/admin/papers/candidatepaper/").content.decode()
    assert "Candidate one" in page and "Candidate two" in page and "HetPipe" not in page
    page = staff_client.get("/admin/papers/candidatepaper/?q=two").content.decode()
    assert "Candidate two" in page and "Candidate one" not in page


def test_accepting_candidates_places_them_and_makes_them_public(staff_client):
    one, two = watch_candidates()
    category = make_category(name="Scheduling")
    url = "/admin/papers/candidatepaper/"
    chosen = {"action": "accept", "_selected_action": [one.pk, two.pk]}
    page = staff_client.post(url, chosen).content.decode()
    assert "Accept candidates into categories" in page and "Candidate one" in page
    staff_client.post(url, {**chosen, "apply": "1", "categories": [category.pk], "note": "From the watch."})
    assert set(Paper.objects.public().values_list("citation_key", flat=True)) == {"cand1", "cand2"}
    assert set(Placement.objects.values_list("paper__citation_key", "category__name", "note")) == {
        ("cand1", "Scheduling", "From the watch."),
        ("cand2", "Scheduling", "From the watch."),
    }


def test_accepting_needs_a_category(staff_client):
    one, _ = watch_candidates()
    data = {"action": "accept", "_selected_action": [one.pk], "apply": "1"}
    page = staff_client.post("/admin/papers/candidatepaper/", data).content.decode()
    assert "This field is required." in page
    assert Paper.objects.get(pk=one.pk).status == Paper.Status.CANDIDATE


def test_rejecting_candidates_hides_them(staff_client):
    one, two = watch_candidates()
    staff_client.post("/admin/papers/candidatepaper/", {"action": "reject", "_selected_action": [one.pk]})
    assert Paper.objects.get(pk=one.pk).status == Paper.Status.REJECTED
    assert list(Paper.objects.candidates()) == [two]


def test_running_the_watch_from_the_query_admin(post, arxiv):
    query = ArxivQuery.objects.create(name="GPU", query='all:"heterogeneous GPU" AND cat:cs.DC')
    arxiv.search_results = ["2501.00003"]
    response = post("/admin/papers/arxivquery/", {"action": "run_watch_now", "_selected_action": [query.pk]})
    assert response.status_code == 302
    assert Paper.objects.candidates().get().arxiv_id == "2501.00003"


def test_the_health_page_shows_sources_backoff_and_flags(staff_client):
    now = timezone.now()
    IngestRun.objects.create(kind="bibtex_import", state="done", finished_at=now - timedelta(hours=2))
    IngestRun.objects.create(kind="arxiv_fetch", state="failed", finished_at=now, error="arXiv sent malformed XML.")
    IngestRun.objects.create(
        kind="arxiv_watch", state="running", next_attempt_at=now + timedelta(minutes=5), error="HTTP 503."
    )
    make_paper(citation_key="flagged", needs_review=True, review_reason="arXiv v3 is out (v2 seen before).")
    page = staff_client.get("/admin/papers/paper/ingestion-health/").content.decode()
    assert "arXiv sent malformed XML." in page
    assert "<strong>In backoff:</strong>" in page and "HTTP 503." in page
    assert "arXiv v3 is out (v2 seen before)." in page and "Flagged for review (1)" in page
    # Only the BibTeX import has had a successful run.
    assert page.count("<td>never</td>") == 2


def test_the_health_page_when_all_is_quiet(staff_client):
    page = staff_client.get("/admin/papers/paper/ingestion-health/").content.decode()
    assert "Not in backoff." in page and "No paper is flagged." in page


def test_a_curators_author_edit_is_recorded(staff_client, seed):
    paper = Paper.objects.get(citation_key="li2022amp")
    page = staff_client.get(f"/admin/papers/paper/{paper.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["arxiv_categories"] = "[]"
    data["unconfirmed_fields"] = "[]"
    data["_save"] = "Save"
    for formset in (fs.formset for fs in page.context["inline_admin_formsets"]):
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for i, inline_form in enumerate(formset.forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[f"{formset.prefix}-{i}-{name}"] = value
    data["authorships-0-DELETE"] = "on"
    response = staff_client.post(f"/admin/papers/paper/{paper.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    paper.refresh_from_db()
    assert paper.authorships.count() == 3 and paper.field_sources["authors"] == "curator"
