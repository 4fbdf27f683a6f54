"""Importing BibTeX: decoding, macros, per-entry outcomes, merging preprints with published versions."""

from pathlib import Path

import pytest

from papers import ingestion, tasks
from papers.exports import bibtex_for_papers
from papers.ingestion.bibtex import parse_bibtex
from papers.models import IngestRun, Paper, Source
from tests.factories import make_paper

pytestmark = pytest.mark.django_db

SEED_BIB = Path(__file__).resolve().parents[1] / "data" / "seed.bib"


def run_import(text: str) -> IngestRun:
    return ingestion.import_bibtex(text=text)


def outcomes(run: IngestRun) -> list[tuple[str, str]]:
    return [(m["entry"], m["outcome"]) for m in run.messages]


def test_it_decodes_accents_and_braces_for_display():
    run_import(
        r"""@inproceedings{m2024,
          title = {{GPU} Scheduling {\`a} la M{\"u}ller: {\LaTeX} \& 50\% of {$O(n^2)$}},
          author = {M{\"u}ller, J{\"o}rg and R{\'e}, Christopher and Goiri, {\'I}{\~n}igo},
          booktitle = {Proc. of the {ACM} Conf.}, year = 2024}"""
    )
    paper = Paper.objects.with_authors().get()
    assert paper.title == "GPU Scheduling à la Müller: LaTeX & 50% of $O(n^2)$"
    assert [a.name for a in paper.ordered_authors] == ["Jörg Müller", "Christopher Ré", "Íñigo Goiri"]
    assert paper.venue == "Proc. of the ACM Conf."


def test_it_resolves_string_macros_concatenation_and_months():
    run = run_import(
        """@string{atc = "USENIX Annual Technical Conference"}
        @string{proc = "Proceedings of the "}
        @inproceedings{a, title = {One}, author = {Doe, Jane}, booktitle = proc # atc, year = 2020, month = jun}
        @inproceedings{b, title = {Two}, author = {Doe, Jane}, booktitle = atc, year = 2021, month = {March}}
        @article{c, title = {Three}, author = {Doe, Jane}, journal = {J}, year = {2022}, month = 12}"""
    )
    assert run.created_count == 3
    a, b, c = Paper.objects.order_by("year")
    assert a.venue == "Proceedings of the USENIX Annual Technical Conference" and a.month == 6
    assert b.venue == "USENIX Annual Technical Conference" and b.month == 3
    assert c.month == 12


def test_comments_are_not_entries():
    run = run_import(
        """@comment{An old entry kept for reference: @misc{old, title = {Old}}}
        @misc{kept, title = {Kept}, author = {Doe, Jane}, year = 2024}"""
    )
    assert outcomes(run) == [("kept", "created")]
    assert list(Paper.objects.values_list("citation_key", flat=True)) == ["kept"]


def test_a_key_used_twice_in_one_file_imports_the_first_entry_only():
    run = run_import(
        """@misc{same, title = {First}, author = {Doe, Jane}, year = 2024}
        @misc{same, title = {Second}, author = {Roe, Rich}, year = 2024}"""
    )
    assert outcomes(run) == [("same", "created"), ("same", "duplicate")]
    assert "used twice in this file" in run.messages[1]["message"]
    assert Paper.objects.get().title == "First"


def test_a_malformed_entry_between_two_good_ones_stops_neither():
    run = run_import(
        """@misc{good1, title = {Good one}, author = {Doe, Jane}, year = 2024}
        @misc{broken, title = {Unclosed {brace, year = 2024
        }
        @misc{good2, title = {Good two}, author = {Doe, Jane}, year = 2024}"""
    )
    assert outcomes(run) == [("good1", "created"), ("broken", "failed"), ("good2", "created")]
    assert run.messages[1]["message"].startswith("Malformed entry at line 2:")
    assert run.state == "done" and set(Paper.objects.values_list("citation_key", flat=True)) == {"good1", "good2"}


def test_an_entry_without_title_fails_with_its_reason():
    run = run_import("@misc{untitled, author = {Doe, Jane}, year = 2024}")
    assert run.messages == [{"entry": "untitled", "outcome": "failed", "paper": "", "message": "No title.", "line": 1}]
    assert run.state == "done" and not Paper.objects.exists()


def test_a_text_without_entries_fails_the_run():
    run = run_import("Just some text, no entries.")
    assert run.state == "failed" and run.error == "No BibTeX entries found."


def test_author_order_and_et_al():
    run_import("@misc{k, title = {T}, author = {Zed, Z. and Alpha, A. and van der Berg, Jr., Piet and others}}")
    paper = Paper.objects.with_authors().get()
    assert [a.bibtex_name for a in paper.ordered_authors] == ["Zed, Z.", "Alpha, A.", "van der Berg, Jr., Piet"]


def test_it_recognises_entry_type_venue_pages_doi_and_arxiv_fields():
    run_import(
        r"""@article{heterps,
          author = {Liu, Ji}, title = {{HeterPS}}, journal = {Future Generation Computer Systems},
          volume = {148}, pages = {106--117}, year = {2023}, publisher = {Elsevier},
          doi = {https://doi.org/10.1016/j.future.2023.05.032}, eprint = {2111.10635v2}, archivePrefix = {arXiv}}"""
    )
    paper = Paper.objects.get()
    assert (paper.entry_type, paper.venue, paper.volume, paper.pages) == (
        "article",
        "Future Generation Computer Systems",
        "148",
        "106-117",
    )
    assert (paper.doi, paper.arxiv_id, paper.arxiv_version) == ("10.1016/j.future.2023.05.032", "2111.10635", 2)
    assert paper.publisher == "Elsevier" and paper.field_sources["venue"] == Source.BIBTEX


@pytest.mark.parametrize(
    "entry",
    [
        "@article{gs, title={HetPipe}, author={Park, Jay H}, journal={arXiv preprint arXiv:2005.14038}, year={2020}}",
        "@article{dblp, title={HetPipe}, author={Park, Jay H.}, journal={CoRR}, volume={abs/2005.14038}, year={2020},"
        " eprinttype={arXiv}, eprint={2005.14038}}",
        "@misc{arxiv, title={HetPipe}, author={Park, Jay H.}, year={2020}, eprint={2005.14038}, archivePrefix={arXiv},"
        " primaryClass={cs.DC}}",
    ],
)
def test_preprints_in_every_common_style_are_recognised(entry):
    run_import(entry)
    paper = Paper.objects.get()
    assert (paper.arxiv_id, paper.entry_type, paper.venue, paper.volume) == ("2005.14038", "misc", "arXiv preprint", "")
    assert paper.arxiv_title == "HetPipe"


PUBLISHED = """@inproceedings{mei2025helix,
  author = {Mei, Yixuan and Zhuang, Yonghao and Miao, Xupeng and Yang, Juncheng and Jia, Zhihao and Vinayak, Rashmi},
  title = {Helix: Serving Large Language Models over Heterogeneous GPUs and Network via Max-Flow},
  booktitle = {Proceedings of the 30th ACM International Conference on Architectural Support for Programming
               Languages and Operating Systems, Volume 1 (ASPLOS '25)},
  year = {2025}, doi = {10.1145/3669940.3707215}}
"""
PREPRINT = """@misc{mei2024helix,
  author = {Mei, Yixuan and Zhuang, Yonghao and Miao, Xupeng and Yang, Juncheng and Jia, Zhihao and Vinayak, Rashmi},
  title = {Helix: Distributed Serving of Large Language Models via Max-Flow on Heterogeneous GPUs},
  year = {2024}, eprint = {2406.01566}, archivePrefix = {arXiv}, primaryClass = {cs.DC}}
"""
HELIX_PUBLISHED_TITLE = "Helix: Serving Large Language Models over Heterogeneous GPUs and Network via Max-Flow"
HELIX_ARXIV_TITLE = "Helix: Distributed Serving of Large Language Models via Max-Flow on Heterogeneous GPUs"


@pytest.mark.parametrize(
    "text", [PUBLISHED + PREPRINT, PREPRINT + PUBLISHED], ids=["published-first", "preprint-first"]
)
def test_a_published_entry_and_its_arxiv_preprint_are_one_paper(text):
    run = run_import(text)
    assert [m["outcome"] for m in run.messages] == ["created", "duplicate"]
    paper = Paper.objects.get()
    assert (paper.doi, paper.arxiv_id) == ("10.1145/3669940.3707215", "2406.01566")
    assert (paper.title, paper.arxiv_title) == (HELIX_PUBLISHED_TITLE, HELIX_ARXIV_TITLE)
    assert (paper.entry_type, paper.year, paper.arxiv_primary_category) == ("inproceedings", 2025, "cs.DC")
    assert paper.venue.startswith("Proceedings of the 30th ACM")


def test_the_same_work_in_a_later_file_is_a_duplicate_merged_into_the_stored_paper(seed):
    run = run_import(PREPRINT)
    assert outcomes(run) == [("mei2024helix", "duplicate")]
    assert "Same work as mei2025helix (matched by arXiv id)" in run.messages[0]["message"]
    helix = Paper.objects.get(citation_key="mei2025helix")
    assert helix.arxiv_title == HELIX_ARXIV_TITLE and helix.title == HELIX_PUBLISHED_TITLE
    assert helix.arxiv_primary_category == "cs.DC"
    assert Paper.objects.count() == 9


def test_a_duplicate_is_found_by_normalised_title_and_year():
    stored = make_paper(title="HetPipe: Enabling Large DNN Training", year=2020)
    run = run_import("@misc{x, title = {{HetPipe} -- enabling large {DNN} training}, author = {Park, J.}, year = 2021}")
    assert outcomes(run) == [("x", "duplicate")]
    assert run.messages[0]["paper"] == stored.citation_key


def test_the_seed_bib_imports_nine_papers():
    run = run_import(SEED_BIB.read_text(encoding="utf-8"))
    assert (run.created_count, run.failed_count) == (9, 0)
    hetpipe = Paper.objects.with_authors().get(citation_key="park2020hetpipe")
    assert hetpipe.title.startswith("HetPipe: Enabling Large DNN Training on (Whimpy) Heterogeneous GPU Clusters")
    assert (hetpipe.pages, hetpipe.arxiv_id, hetpipe.venue) == (
        "307-321",
        "2005.14038",
        "2020 USENIX Annual Technical Conference (USENIX ATC 20)",
    )
    yuan = Paper.objects.with_authors().get(citation_key="yuan2022decentralized")
    assert "Christopher Ré" in [a.name for a in yuan.ordered_authors]


def test_the_seed_bib_matches_the_seeded_catalogue(seed):
    run = run_import(SEED_BIB.read_text(encoding="utf-8"))
    assert (run.unchanged_count, run.updated_count) == (7, 2)
    # The two arXiv-only papers: the .bib cites their arXiv version, whose title the corpus didn't record.
    assert {m["message"] for m in run.messages if m["outcome"] == "updated"} == {"Changed: arxiv_title."}
    assert Paper.objects.count() == 9


def test_importing_twice_changes_nothing_the_second_time():
    text = SEED_BIB.read_text(encoding="utf-8") + PREPRINT
    run_import(text)
    before = list(Paper.objects.order_by("pk").values())
    run = run_import(text)
    assert (run.created_count, run.updated_count) == (0, 0)
    assert list(Paper.objects.order_by("pk").values()) == before


def test_a_field_a_curator_edited_is_kept():
    run_import("@misc{k, title = {Original}, author = {Doe, Jane}, year = 2024, url = {https://example.org/a}}")
    paper = Paper.objects.get()
    paper.title = "Curated"
    paper.field_sources["title"] = Source.CURATOR
    paper.save()
    run = run_import("@misc{k, title = {Original}, author = {Doe, Jane}, year = 2024, url = {https://example.org/b}}")
    paper.refresh_from_db()
    assert paper.title == "Curated" and paper.url == "https://example.org/b"
    assert run.messages[0]["outcome"] == "updated"


def test_a_free_key_is_kept_and_a_taken_one_replaced():
    make_paper(citation_key="taken", title="Something else entirely")
    run = run_import(
        "@misc{taken, title = {Fresh paper}, author = {Van Dyke, Amy}, year = 2024}\n"
        "@misc{DBLP:conf/x/Y24, title = {The Other paper}, author = {Roe, Rich}, year = 2024}"
    )
    assert [m["paper"] for m in run.messages] == ["vandyke2024fresh", "roe2024other"]
    assert "key taken is taken" in run.messages[0]["message"]


def test_invalid_values_are_dropped_with_a_note():
    run = run_import("@misc{k, title = {T}, author = {Doe, J.}, year = {19}, doi = {not-a-doi}, url = {nope}}")
    message = run.messages[0]["message"]
    assert "Ignored year '19'" in message and "Ignored DOI 'not-a-doi'" in message and "Ignored url 'nope'" in message
    paper = Paper.objects.get()
    assert (paper.year, paper.doi, paper.url) == (None, None, "")


def test_import_export_import_leaves_every_field_unchanged():
    # Every field a .bib entry carries. (A merged record's second title, e.g. Helix's arXiv title, has
    # no place in a one-entry export: prefer="preprint" writes it instead of the published one.)
    text = SEED_BIB.read_text(encoding="utf-8") + (
        r"""@article{special2024,
          author = {O'Brien, Se{\'a}n and {Google Research} and M{\"u}ller, J{\"o}rg},
          title = {50\% Faster {GPU} Kernels: A \& B, {C\#}, \_under\_, $O(n^2)$ and {\"U}ber-{LLMs}},
          journal = {Journal of {Things} \& Stuff}, volume = {12}, number = {3}, pages = {1--10},
          year = {2024}, month = feb, publisher = {ACM}, doi = {10.1000/x_y}, url = {https://example.org/a_b%20c},
          abstract = {We show 5\% gains; see https://x.org.}}"""
    )
    fields = [f.name for f in Paper._meta.fields if f.name not in ("id", "created_at", "updated_at", "search_vector")]

    def snapshot():
        return {
            p.citation_key: ({name: getattr(p, name) for name in fields}, [a.bibtex_name for a in p.ordered_authors])
            for p in Paper.objects.with_authors()
        }

    run_import(text)
    first = snapshot()
    exported = bibtex_for_papers(Paper.objects.with_authors(), include_abstract=True)
    Paper.objects.all().delete()
    run = run_import(exported)
    assert run.created_count == 10 and run.failed_count == 0
    assert snapshot() == first
    # And once more over the stored papers: every entry is found unchanged.
    assert run_import(exported).unchanged_count == 10


def test_the_task_imports_the_text_stored_in_its_run():
    bib = "@misc{k, title = {T}, author = {Doe, J.}}"
    run = IngestRun.objects.create_run(kind=IngestRun.Kind.BIBTEX_IMPORT, input=bib, owner="message-1")
    tasks.import_bibtex.apply(kwargs={"run_id": run.pk}, task_id="message-1")
    run.refresh_from_db()
    assert (run.state, run.created_count) == ("done", 1)
    # Idempotent: a redelivered message finds the run finished and does nothing.
    tasks.import_bibtex.apply(kwargs={"run_id": run.pk}, task_id="message-1")
    run.refresh_from_db()
    assert run.attempts == 1


def test_the_parser_reports_problems_without_the_database():
    parsed = parse_bibtex("@misc{a, title = {A}}\n@misc{b, author = {X, Y}}\n@misc{c, title = {C}, title = {D}}")
    assert [r.label for r in parsed.records] == ["a"]
    assert [(p.label, p.outcome) for p in parsed.problems] == [("b", "failed"), ("c", "failed")]


@pytest.mark.parametrize(
    "latex",
    [
        r"{GPU} Scheduling {\`a} la M{\"u}ller",
        r"J{\"o}rg R{\'e} {\'I}{\~n}igo {\c{C}}elik \c{c}a {\L}ukasz na{\"\i}ve Erd\H{o}s \v{S}imon \r{A}ngstr\"om",
        r"\ss{} {\o}re \aa{} {\AE}sop \'{e}t\'e",
        r"50\% \& \#1 a\_b \$5 C\# -- and --- ``quoted'' A~B",
        r"{\textendash} x \textasciitilde{} \textasciicircum{} \textbraceleft{}x\textbraceright{} {\LaTeX} and \TeX{}",
    ],
)
def test_the_importers_latex_decoder_is_fast_on_common_markup_and_agrees_with_pylatexenc(latex):
    # The importer decodes with lib.latex (its own tests generate many more values).
    from lib import latex as decoder
    from papers.identifiers import normalize_space

    assert decoder._fast_latex_to_text(latex) is not None
    assert decoder.latex_to_text(latex) == normalize_space(decoder._PYLATEXENC.latex_to_text(latex))


def test_unusual_latex_goes_to_pylatexenc():
    from lib.latex import _fast_latex_to_text, latex_to_text

    assert _fast_latex_to_text(r"\emph{Fast} $O(n^2)$") is None
    assert latex_to_text(r"\emph{Fast} training in $O(n^2)$") == "Fast training in $O(n^2)$"


@pytest.mark.postgres
def test_imported_papers_are_found_by_title_and_author_words(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the stored search vector is PostgreSQL's")
    run_import("@misc{k, title = {Wave Synchronous Parallel}, author = {Lovelace, Ada and Babbage, Charles}}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT citation_key FROM papers_paper WHERE search_vector @@ to_tsquery('english', 'babbage & wave')"
        )
        assert cursor.fetchall() == [("k",)]


def test_an_author_name_too_long_for_the_database_fails_only_its_entry(db):
    from papers.ingestion import import_bibtex
    from papers.models import Paper

    long_name = "x" * 300
    text = (
        "@misc{good1, title={First Good}, author={Doe, Jane}, year={2024}}\n"
        f"@misc{{bad, title={{Bad Author}}, author={{{long_name}, Jane}}, year={{2024}}}}\n"
        "@misc{good2, title={Second Good}, author={Roe, Rich}, year={2024}}\n"
    )
    run = import_bibtex(text=text)
    assert run.state == "done"
    assert set(Paper.objects.values_list("title", flat=True)) == {"First Good", "Second Good"}
    failed = [entry for entry in run.messages if entry["outcome"] == "failed"]
    assert [entry["entry"] for entry in failed] == ["bad"] and "too long" in failed[0]["message"]


def test_one_month_table_from_the_calendar_in_english_whatever_the_locale(monkeypatch):
    import calendar

    from papers.ingestion import bibtex

    assert bibtex.MONTH_MACROS == ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    assert bibtex.MONTH_NAMES["sep"] == "September" and len(bibtex.MONTH_NAMES) == 12
    assert [bibtex.parse_month(text) for text in ("jan", "January", "Sept.", "sept", "SEP", "12", "13", "Juni")] == [
        1, 1, 9, 9, 9, 12, None, None,
    ]  # fmt: skip
    # The names are read inside calendar.different_locale("C"), not in the process's LC_TIME locale.
    asked = []

    class Locale:
        def __init__(self, name):
            asked.append(name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(calendar, "different_locale", Locale)
    assert bibtex._english_months()[1][0] == "January" and asked == ["C"]


def test_an_author_that_decodes_to_no_name_is_left_out_with_a_note():
    run = run_import(r"@misc{k, title = {T}, author = {{} and Doe, Jane and {\relax} and ~}}")
    assert run.state == "done" and run.created_count == 1
    assert "An author name with nothing in it was left out." in run.messages[0]["message"]
    assert [a.name for a in Paper.objects.with_authors().get().ordered_authors] == ["Jane Doe"]
