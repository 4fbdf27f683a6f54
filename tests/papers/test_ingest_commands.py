"""manage.py import_bibtex / fetch_arxiv / watch_arxiv: outcome counts, failed entries, exit status."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from papers.models import ArxivQuery, Paper
from tests.data.fake_arxiv import Reply, serve_for_tests

pytestmark = pytest.mark.django_db

SEED_BIB = Path(__file__).resolve().parents[1] / "data" / "seed.bib"


@pytest.fixture
def arxiv(settings):
    yield from serve_for_tests(settings, synthesize=True)


def test_import_bibtex_prints_counts_and_each_failed_entry(tmp_path, capsys):
    broken = tmp_path / "broken.bib"
    broken.write_text("@misc{good, title = {Good}, author = {Doe, J.}}\n@misc{bad, author = {Doe, J.}}\n")
    call_command("import_bibtex", str(SEED_BIB), str(broken))
    out, err = capsys.readouterr()
    assert f"{SEED_BIB}: 9 created, 0 updated, 0 unchanged, 0 duplicate, 0 failed" in out
    assert f"{broken}: 1 created, 0 updated, 0 unchanged, 0 duplicate, 1 failed" in out
    assert "  failed: line 2, bad: No title." in err
    assert Paper.objects.count() == 10


def test_import_bibtex_exits_non_zero_when_a_file_fails_as_a_whole(tmp_path, capsys):
    empty = tmp_path / "empty.bib"
    empty.write_text("nothing here\n")
    with pytest.raises(CommandError, match="An import failed"):
        call_command("import_bibtex", str(empty), str(tmp_path / "missing.bib"))
    err = capsys.readouterr().err
    assert "No BibTeX entries found." in err and "No such file or directory" in err


def test_fetch_arxiv_prints_counts_and_requests(arxiv, capsys):
    call_command("fetch_arxiv", "2005.14038", "arXiv:2406.01566v1", "2501.99999")
    out = capsys.readouterr().out
    assert "3 created, 0 updated, 0 unchanged, 0 duplicate, 0 failed" in out and "1 requests to arXiv" in out


def test_fetch_arxiv_reports_ids_arxiv_does_not_know(arxiv, capsys):
    arxiv.synthesize = False
    call_command("fetch_arxiv", "2005.14038", "2501.99999")
    assert "failed: 2501.99999: arXiv has no paper 2501.99999." in capsys.readouterr().err


def test_fetch_arxiv_exits_non_zero_on_malformed_xml(arxiv, capsys):
    arxiv.script.append(Reply(body=b"<feed>"))
    with pytest.raises(CommandError, match="The arXiv fetch failed"):
        call_command("fetch_arxiv", "2005.14038")
    assert "arXiv sent malformed XML" in capsys.readouterr().err
    assert not Paper.objects.exists()


def test_watch_arxiv_proposes_candidates(arxiv, capsys):
    ArxivQuery.objects.create(name="GPU", query='all:"heterogeneous GPU" AND cat:cs.DC')
    arxiv.search_results = ["2501.00001", "2501.00002"]
    call_command("watch_arxiv")
    assert "1 queries: 2 created" in capsys.readouterr().out
    assert Paper.objects.candidates().count() == 2
