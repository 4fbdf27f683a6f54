import pytest
from django import forms

from papers.models import Paper
from taxonomy.models import Placement

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/",
    "/admin/papers/paper/",
    "/admin/papers/paper/?q=hetpipe",
    "/admin/papers/paper/?q=Chowdhury",
    "/admin/papers/paper/?q=10.1145/3669940.3707215",
    "/admin/papers/paper/?year=2020",
    "/admin/papers/author/",
    "/admin/taxonomy/category/",
    "/admin/taxonomy/dimension/",
    "/admin/taxonomy/term/",
    "/admin/taxonomy/gputype/",
    "/admin/taxonomy/gputype/?q=a100",
    "/admin/taxonomy/setup/",
    "/admin/taxonomy/setup/?q=hetpipe",
    "/admin/papers/paper/data-gaps/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_render_for_staff(staff_client, seed, url):
    assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_redirect_anonymous_users_to_login(client, seed, url):
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_paper_search_finds_by_author_doi_and_arxiv_id(staff_client, seed):
    assert "Oobleck" in staff_client.get("/admin/papers/paper/?q=Chowdhury").content.decode()
    assert "Helix" in staff_client.get("/admin/papers/paper/?q=10.1145/3669940.3707215").content.decode()
    assert "HetPipe" in staff_client.get("/admin/papers/paper/?q=2005.14038").content.decode()


def test_paper_change_page_shows_ordered_authors_and_placements(staff_client, seed):
    paper = Paper.objects.get(citation_key="park2020hetpipe")
    page = staff_client.get(f"/admin/papers/paper/{paper.pk}/change/").content.decode()
    assert page.index("Jay H. Park") < page.index("Gyeongchan Yun") < page.index("Young-ri Choi")
    assert "§7 partitions layers" in page


def test_every_seed_paper_and_setup_has_a_change_page(staff_client, seed):
    from taxonomy.models import GpuType, Setup

    objects = [*Paper.objects.all(), *Setup.objects.all(), *GpuType.objects.all()[:3]]
    assert Setup.objects.exists()
    for obj in objects:
        url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
        assert staff_client.get(url).status_code == 200, url


def test_category_list_shows_the_tree_with_counts(staff_client, seed):
    page = staff_client.get("/admin/taxonomy/category/").content.decode()
    assert (
        page.index("Inter-pipeline heterogeneity")
        < page.index("— Batch distribution")
        < page.index("Intra-pipeline heterogeneity")
    )


def posted_value(bound_field):
    """What a browser posts for a field as rendered: None when it posts nothing (an unticked checkbox)."""
    value = bound_field.value()
    if isinstance(bound_field.field, forms.NullBooleanField):  # a select of unknown / yes / no
        return {True: "true", False: "false"}.get(value, "unknown")
    if isinstance(bound_field.field, forms.BooleanField):
        return "on" if value else None
    return "" if value is None else value


def change_form_data(page) -> dict:
    """What the admin change page would post back unchanged: the form and every inline, as rendered."""
    form = page.context["adminform"].form
    data = {name: posted_value(form[name]) for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None}
    data["_save"] = "Save"
    for formset in (inline.formset for inline in page.context["inline_admin_formsets"]):
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.total_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
        for i, inline_form in enumerate(formset.forms):
            for name in inline_form.fields:
                value = posted_value(inline_form[name])
                if value is not None:
                    data[f"{formset.prefix}-{i}-{name}"] = value
    return data


def test_a_curator_edit_is_recorded_as_the_fields_source(staff_client, seed):
    paper = Paper.objects.get(citation_key="li2022amp")
    data = change_form_data(staff_client.get(f"/admin/papers/paper/{paper.pk}/change/"))
    data["title"] = "AMP (curated)"
    response = staff_client.post(f"/admin/papers/paper/{paper.pk}/change/", data)
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.title == "AMP (curated)"
    assert paper.field_sources["title"] == "curator"
    assert paper.doi is None


def test_placement_edits_in_the_admin_are_recorded_as_changes(staff_client, seed):
    from taxonomy.models import ChangeRecord

    paper = Paper.objects.get(citation_key="li2022amp")
    page = staff_client.get(f"/admin/papers/paper/{paper.pk}/change/")
    data = change_form_data(page)
    placements = next(fs.formset for fs in page.context["inline_admin_formsets"] if fs.formset.model is Placement)
    data[f"{placements.prefix}-0-note"] = "§3.6 per-pipeline batch sizes, edited in the admin."
    assert staff_client.post(f"/admin/papers/paper/{paper.pk}/change/", data).status_code == 302
    change = ChangeRecord.objects.get(citation_key="li2022amp")
    assert change.action == "updated" and change.username == "curator"
    assert change.after["note"].startswith("§3.6 per-pipeline")
