import pytest
from django.utils.html import escape

from papers.exports import bibtex_for_papers
from papers.models import Paper

pytestmark = pytest.mark.django_db


def hetpipe(client):
    response = client.get("/papers/park2020hetpipe/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_title_ordered_authors_venue_and_year(client, seed):
    html = hetpipe(client)
    assert "<title>HetPipe: Enabling Large DNN Training" in html
    assert html.index(">Jay H. Park</a>") < html.index(">Gyeongchan Yun</a>") < html.index(">Young-ri Choi</a>")
    assert "2020 USENIX Annual Technical Conference (USENIX ATC 20)" in html and "· 2020" in html


def test_it_shows_identifiers_and_links(client, seed):
    html = hetpipe(client)
    assert '<a href="https://arxiv.org/abs/2005.14038" rel="noopener">2005.14038</a>' in html
    assert 'href="https://arxiv.org/pdf/2005.14038"' in html
    assert '<a href="/api/papers/park2020hetpipe/">JSON</a>' in html


def test_it_shows_both_placements_with_their_notes(client, seed):
    html = hetpipe(client)
    assert '<a href="/categories/intra-pipeline/">Intra-pipeline heterogeneity</a>' in html
    assert '<a href="/categories/decentralized-synchronization/">Decentralized synchronization</a>' in html
    assert "§7 partitions layers across the heterogeneous GPUs" in html


def test_it_shows_solution_approach_values_with_evidence(client, seed):
    html = hetpipe(client)
    assert '<a href="/?technique=ilp">ILP</a>' in html
    assert '<span class="evidence" title="Where the paper shows it">§7</span>' in html
    assert "unconfirmed" in html


def test_it_lists_related_papers_with_the_reason(client, seed):
    html = hetpipe(client)
    related = html[html.index('id="related-heading"') :]
    assert 'href="/papers/liu2023heterps/"' in related and "Same category: Intra-pipeline heterogeneity" in related


def test_bibtex_block_and_download_are_the_exported_text(client, seed):
    paper = Paper.objects.with_authors().get(citation_key="park2020hetpipe")
    text = bibtex_for_papers([paper])
    html = hetpipe(client)
    assert f'<pre class="bibtex" id="bibtex-text" tabindex="0">{escape(text)}</pre>' in html
    download = client.get("/papers/park2020hetpipe/bibtex")
    assert download["Content-Disposition"] == 'attachment; filename="park2020hetpipe.bib"'
    assert download.content.decode() == text


def test_unknown_and_candidate_papers_are_not_found(client, seed, settings):
    settings.DEBUG = False
    Paper.objects.filter(citation_key="mei2025helix").update(status=Paper.Status.CANDIDATE)
    for url in ("/papers/nobody2099/", "/papers/mei2025helix/", "/papers/mei2025helix/bibtex"):
        response = client.get(url)
        assert response.status_code == 404 and "Page not found" in response.content.decode()
