"""BibTeX export: entries as DBLP / Google Scholar write them, accepted by pybtex and by classic bibtex."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from pybtex.database import parse_string

from papers.exports import bibtex_for_paper, bibtex_for_papers, latex_escape, protect_title
from papers.models import Paper
from papers.names import PersonName
from papers.services import set_authors
from tests.factories import make_category, make_paper, place

pytestmark = pytest.mark.django_db


def pybtex_parse(text: str):
    """pybtex is strict: it raises on syntax errors and undefined macros."""
    return parse_string(text, "bibtex")


def export(**options) -> str:
    return bibtex_for_papers(Paper.objects.with_authors().order_by("citation_key"), **options)


def entry(key: str, **options):
    return pybtex_parse(bibtex_for_paper(Paper.objects.with_authors().get(citation_key=key), **options)).entries[key]


def test_the_seed_exports_as_nine_entries_pybtex_accepts(seed):
    entries = pybtex_parse(export()).entries
    assert len(entries) == 9
    hetpipe = entries["park2020hetpipe"]
    assert hetpipe.type == "inproceedings"
    assert hetpipe.fields["booktitle"] == "2020 USENIX Annual Technical Conference (USENIX ATC 20)"
    assert hetpipe.fields["pages"] == "307--321"
    assert (hetpipe.fields["eprint"], hetpipe.fields["archivePrefix"]) == ("2005.14038", "arXiv")
    assert [str(p) for p in hetpipe.persons["author"]][:2] == ["Park, Jay H.", "Yun, Gyeongchan"]
    assert entries["liu2023heterps"].type == "article"
    assert entries["jang2023oobleck"].fields["doi"] == "10.1145/3600006.3613152"


def test_it_writes_a_stable_layout(seed):
    assert bibtex_for_paper(Paper.objects.with_authors().get(citation_key="park2020hetpipe")) == (
        "@inproceedings{park2020hetpipe,\n"
        "  author        = {Park, Jay H. and Yun, Gyeongchan and Yi, Chang M. and Nguyen, Nguyen T. and Lee, Seungmin"
        " and Choi, Jaesik and Noh, Sam H. and Choi, Young-ri},\n"
        "  title         = {{HetPipe:} Enabling Large {DNN} Training on (Whimpy) Heterogeneous {GPU} Clusters through"
        " Integration of Pipelined Model Parallelism and Data Parallelism},\n"
        "  booktitle     = {2020 USENIX Annual Technical Conference (USENIX ATC 20)},\n"
        "  pages         = {307--321},\n"
        "  year          = {2020},\n"
        "  url           = {https://www.usenix.org/conference/atc20/presentation/park},\n"
        "  eprint        = {2005.14038},\n"
        "  archivePrefix = {arXiv}\n"
        "}\n"
    )


def test_it_escapes_latex_specials_and_writes_accents_classic_bibtex_understands():
    assert latex_escape("50% & $5 #1 a_b ~ ^ \\ {x}") == (
        r"50\% \& \$5 \#1 a\_b \textasciitilde{} \textasciicircum{} \textbackslash{} \textbraceleft{}x\textbraceright{}"
    )
    assert latex_escape("Ré, Íñigo, Müller, Łukasz") == r"R{\'e}, {\'I}{\~n}igo, M{\"u}ller, {\L}ukasz"
    assert latex_escape("cost $O(n^2)$ 5%") == r"cost $O(n^2)$ 5\%"


def test_it_protects_capitals_in_titles():
    assert protect_title("HetPipe: Large DNN Training on GPU Clusters via Max-Flow") == (
        "{HetPipe:} Large {DNN} Training on {GPU} Clusters via {Max-Flow}"
    )


def test_names_corporate_authors_and_unicode(db):
    paper = make_paper(citation_key="k")
    set_authors(paper, [PersonName("Ré", "Christopher"), PersonName("Google Research"), PersonName("Berg", "Piet")])
    text = bibtex_for_paper(Paper.objects.with_authors().get(citation_key="k"))
    assert r"author = {R{\'e}, Christopher and {Google Research} and Berg, Piet}" in text
    assert [str(p) for p in entry("k").persons["author"]] == [r"R{\'e}, Christopher", "{Google Research}", "Berg, Piet"]


def test_unconfirmed_fields_are_left_out(seed):
    Paper.objects.filter(citation_key="liu2023heterps").update(unconfirmed_fields=["volume", "pages"])
    heterps = entry("liu2023heterps")
    assert "volume" not in heterps.fields and "pages" not in heterps.fields
    assert heterps.fields["doi"] == "10.1016/j.future.2023.05.032"


def test_confirmed_volume_and_pages_are_kept(seed):
    heterps = entry("liu2023heterps")  # the corpus confirmed them in its second version
    assert (heterps.fields["volume"], heterps.fields["pages"]) == ("148", "106--117")


def test_abstract_only_when_asked(db):
    make_paper(citation_key="k", abstract="We win by 5%.")
    assert "abstract" not in entry("k").fields
    assert entry("k", include_abstract=True).fields["abstract"] == r"We win by 5\%."


def test_prefer_preprint_cites_the_arxiv_version(seed):
    helix = Paper.objects.get(citation_key="mei2025helix")
    helix.arxiv_title = "Helix: Distributed Serving of Large Language Models via Max-Flow on Heterogeneous GPUs"
    helix.save()
    published, preprint = entry("mei2025helix"), entry("mei2025helix", prefer="preprint")
    assert published.type == "inproceedings" and published.fields["eprint"] == "2406.01566"
    assert published.fields["doi"] == "10.1145/3669940.3707215"
    assert preprint.type == "misc" and "doi" not in preprint.fields
    assert preprint.fields["title"].startswith("Helix: Distributed Serving")
    assert preprint.fields["howpublished"] == "arXiv preprint arXiv:2406.01566"
    assert preprint.fields["url"] == "https://arxiv.org/abs/2406.01566"


def test_an_arxiv_only_paper_says_where_it_is(seed):
    crius = entry("xue2024crius")
    assert crius.type == "misc" and crius.fields["howpublished"] == "arXiv preprint arXiv:2403.16125"


def test_an_entry_missing_what_its_type_needs_becomes_misc(db):
    make_paper(citation_key="k", entry_type="article", venue="")
    make_paper(citation_key="anon", authors=(), entry_type="inproceedings", venue="Conf")
    assert entry("k").type == "misc"
    assert entry("anon").type == "misc" and entry("anon").fields["key"] == "anon"


def test_exporting_runs_no_query_per_paper(seed, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        export()


def test_classic_bibtex_reads_the_export_without_errors_or_warnings(seed, tmp_path: Path):
    from tests.support.requirements import require

    require(shutil.which("bibtex"), "bibtex not installed (apt-get install texlive-binaries texlive-base)")
    make_paper(
        citation_key="special",
        title="50% Faster GPU Kernels: A & B, C#, a_b, $O(n^2)$ and Über-LLMs ~ ^",
        authors=("Ré, Christopher", "Google Research", "Goiri, Íñigo", "Łukasz, Kaiser"),
        entry_type="article",
        venue="Journal of Things & Stuff",
        volume="12",
        number="3",
        pages="1-10",
        month=2,
        abstract="With 5% & more.",
    )
    make_paper(citation_key="nobody", authors=(), entry_type="misc", venue="")
    for prefer in ("published", "preprint"):
        (tmp_path / "x.bib").write_text(export(prefer=prefer, include_abstract=True), encoding="utf-8")
        (tmp_path / "x.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{x}\n")
        result = subprocess.run(["bibtex", "-terse", "x"], cwd=tmp_path, capture_output=True, text=True)
        log = (tmp_path / "x.blg").read_text()
        assert result.returncode == 0, log
        assert "Warning--" not in log and "error" not in log.lower(), log
        assert (tmp_path / "x.bbl").read_text().count("\\bibitem") == 11


def test_the_api_serves_one_papers_bibtex(client, seed):
    response = client.get("/api/papers/park2020hetpipe/bibtex")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="park2020hetpipe.bib"'
    assert response.content.decode().startswith("@inproceedings{park2020hetpipe,")


def test_the_api_honours_abstract_and_prefer(client, seed):
    Paper.objects.filter(citation_key="park2020hetpipe").update(abstract="Virtual workers.")
    text = client.get("/api/papers/park2020hetpipe/bibtex?abstract=1&prefer=preprint").content.decode()
    assert text.startswith("@misc{park2020hetpipe,") and "abstract" in text
    assert "abstract" not in client.get("/api/papers/park2020hetpipe/bibtex").content.decode()


def test_the_api_answers_404_and_400_plainly(client, seed):
    Paper.objects.filter(citation_key="li2022amp").update(status=Paper.Status.CANDIDATE)
    assert client.get("/api/papers/nope/bibtex").status_code == 404
    assert client.get("/api/papers/li2022amp/bibtex").status_code == 404
    response = client.get("/api/papers/park2020hetpipe/bibtex?prefer=newest")
    assert response.status_code == 400 and "prefer" in response.json()


def test_the_command_exports_a_category_to_a_file(seed, tmp_path, capsys):
    category = make_category(slug="mine")
    place(Paper.objects.get(citation_key="li2022amp"), category)
    out = tmp_path / "mine.bib"
    call_command("export_bibtex", "--category", "mine", "-o", str(out))
    assert list(pybtex_parse(out.read_text()).entries) == ["li2022amp"]
    call_command("export_bibtex")
    assert len(pybtex_parse(capsys.readouterr().out).entries) == 9


def test_the_list_export_takes_every_list_filter_and_q(client, seed):
    response = client.get("/api/papers/export.bib?category=intra-pipeline")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert 'filename="heterogpu-papers.bib"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.count("\n@") + text.startswith("@") == 2
    assert "park2020hetpipe" in text and "liu2023heterps" in text
    searched = client.get("/api/papers/export.bib?q=hetp").content.decode()
    assert "park2020hetpipe" in searched and "liu2023heterps" not in searched
    assert client.get("/api/papers/export.bib?year_min=abc").status_code == 400
    assert client.get("/api/papers/export.bib?prefer=newest").status_code == 400
