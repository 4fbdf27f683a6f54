"""Text from the catalogue is shown as text: markup and template syntax in it are never run."""

import pytest

from taxonomy.models import Dimension, DimensionValue
from tests.factories import make_category, make_paper, place

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
TEMPLATE = "{{ request.META }} {% debug %}"


@pytest.fixture
def hostile(db):
    category = make_category(slug="hostile", name=f"Cat {SCRIPT}", problem=f"Problem {SCRIPT} {TEMPLATE}")
    paper = make_paper(
        citation_key="hostile2024",
        title=f"Pipelines {SCRIPT} and {TEMPLATE}",
        abstract=f"Abstract pipelines {SCRIPT} {TEMPLATE}",
        authors=("<b>Bold</b>, Eve",),
    )
    place(paper, category, note=f"Note {SCRIPT} {TEMPLATE}")
    dimension = Dimension.objects.create(slug="approach", name="Approach", kind=Dimension.Kind.TEXT)
    DimensionValue.objects.create(paper=paper, dimension=dimension, text=f"Value {SCRIPT} {TEMPLATE}", evidence=SCRIPT)
    return paper


def assert_shown_as_text(html: str) -> None:
    assert SCRIPT not in html and "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert TEMPLATE in html  # template syntax arrives as the characters it is


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?q=pipelines",
        "/?q=pipelines&partial=1",
        "/papers/hostile2024/",
        "/categories/hostile/",
        "/compare/?papers=hostile2024",
    ],
)
def test_titles_abstracts_and_notes_are_escaped(client, hostile, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_shown_as_text(response.content.decode())


def test_taxonomy_and_its_charts_escape_category_names(client, hostile):
    html = client.get("/taxonomy/").content.decode()
    assert SCRIPT not in html and "Cat &lt;script&gt;" in html


def test_bad_search_parameters_are_echoed_as_text(client, hostile):
    html = client.get("/", {"technique": SCRIPT, "q": SCRIPT}).content.decode()
    assert SCRIPT not in html


def test_a_hostile_query_cannot_break_the_highlighting(client, hostile):
    html = client.get("/", {"q": '<mark>"script" or &amp;'}).content.decode()
    assert "<mark><mark>" not in html and "&lt;mark&gt;" in html
