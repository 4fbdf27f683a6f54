import pytest

from papers.models import Paper

pytestmark = pytest.mark.django_db


def test_awesome_list_has_sections_problems_and_citation_lines(api, seed):
    response = api.get("/api/awesome.md")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert text.index("## Inter-pipeline heterogeneity") < text.index("### Batch distribution")
    assert text.index("### Decentralized synchronization") < text.index("## Intra-pipeline heterogeneity")
    assert "**Problem:** Layer assignment" in text
    assert "Park, Jay H., et al. [HetPipe" in text and "(122 citations)" in text
    # HetPipe is listed in both of its categories, each time with that placement's note.
    assert text.count("[HetPipe") == 2 and "§7 partitions layers" in text


def test_unplaced_public_papers_are_listed_as_unsorted_and_candidates_not_at_all(api, seed):
    Paper.objects.create(citation_key="new2025", title="An unsorted paper", year=2025)
    Paper.objects.create(citation_key="cand2025", title="A candidate paper", year=2025, status="candidate")
    text = api.get("/api/awesome.md").content.decode()
    assert "## Unsorted" in text and "An unsorted paper" in text
    assert "A candidate paper" not in text


def test_export_markdown_command_writes_the_same_text_as_the_api(api, seed, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "README.md"
    call_command("export_markdown", "-o", str(path))
    assert path.read_text(encoding="utf-8") == api.get("/api/awesome.md").content.decode()
