import xml.etree.ElementTree as ET

import pytest

from papers.models import Paper
from taxonomy.models import Category, Placement

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    return [entry.find(f"{ATOM}title").text for entry in ET.fromstring(response.content).iter(f"{ATOM}entry")]


def test_the_papers_feed_announces_newly_accepted_papers_first(client, seed):
    paper = Paper.objects.create(citation_key="new2026", title="Newest accepted paper", year=2026)
    Paper.objects.create(citation_key="cand2026", title="A candidate", year=2026, status="candidate")
    Placement.objects.create(paper=paper, category=Category.objects.get(slug="other"))
    titles = entries(client, "/feeds/papers.atom")
    assert titles[0] == "Newest accepted paper"
    assert len(titles) == 10 and "A candidate" not in titles


def test_a_category_feed_lists_its_subtree(client, seed):
    titles = entries(client, "/feeds/inter-pipeline.atom")
    assert len(titles) == 5 and any(t.startswith("HetPipe") for t in titles)
    assert client.get("/feeds/no-such-category.atom").status_code == 404
