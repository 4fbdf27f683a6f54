"""Fuzz: whatever .bib text arrives, the import keeps the promises of papers.ingestion.

For any text, import_bibtex
- never raises, and returns a run that is done or failed;
- fails the run only when the text holds no entry at all, and then stores nothing;
- gives a done run one outcome per entry the parser saw (created, updated, unchanged, duplicate or
  failed), its counts adding up to them;
- stores each paper it reports created, with its title and a whole author list, and no other paper;
- stores all of a run's results or none: a paper stored before the run changes only when an outcome
  says it was updated or merged into (duplicate), and never in a field a curator edited, nor when
  a curator rejected it.

The examples are random on every run (hypothesis prints the input that broke a promise); the
@example inputs are fixed regressions that run every time. Texts are what papers.uploads hands the
service: decoded UTF-8 (no lone surrogates) without NUL characters, which PostgreSQL text cannot store.
"""

import re
from collections import Counter, defaultdict
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser import model
from django.db import transaction
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

from papers.ingestion import import_bibtex
from papers.models import Authorship, Paper, Source

SEED_BIB = (Path(__file__).resolve().parent.parent / "data" / "seed.bib").read_text(encoding="utf-8")
SEED_ENTRIES = ["@" + block for block in re.split(r"^@", SEED_BIB, flags=re.MULTILINE)[1:]]
SEED_FIELDS = re.findall(r"^\s+(\w+)\s*=\s*\{(.*)\},?$", SEED_BIB, flags=re.MULTILINE)
SEED_KEYS = re.findall(r"^@\w+\{([^,]+),", SEED_BIB, flags=re.MULTILINE)
STORED_BEFORE = 5  # the first five seed entries are stored before every example; the other four are new
CURATED, REJECTED = "jia2022whale", "li2022amp"
VOLATILE = {"updated_at", "search_vector"}  # touched by any save / derived by PostgreSQL triggers

TEXT_CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
BIB_CHARS = st.sampled_from(list('@{}",=#\\%~^$&_ \n\tabcdeéü019') + ["@article", "author", "title", " and "])
FIELD_NAMES = [name for name, _ in SEED_FIELDS] + ["journal", "month", "howpublished", "note", "abstract", "title"]
ENTRY_TYPES = ["article", "inproceedings", "misc", "unpublished", "book", "phdthesis", "techreport", "string", "x"]
VALUES = st.one_of(
    st.text(TEXT_CHARS, max_size=60),
    st.lists(BIB_CHARS, max_size=20).map("".join),
    st.sampled_from([value for _, value in SEED_FIELDS]),
    st.sampled_from(["Doe, Jane and Doe, Jane", "{Google Research} and others", "x" * 200 + ", A.", " and ", "{}"]),
    st.sampled_from(["jan", "13", "19", "2024", "10.1145/3600006.3613152", "2005.14038v3", "arXiv", "x" * 600]),
)


@st.composite
def mutated_seed(draw):
    """seed.bib with a few random cuts and insertions of BibTeX syntax."""
    text = SEED_BIB
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 40))
        text = text[:at] + "".join(draw(st.lists(BIB_CHARS, max_size=6))) + text[at + cut :]
    return text


@st.composite
def bib_entries(draw):
    """Entries that mostly parse, with random fields and values, some with the stored papers' keys and facts."""
    entries = []
    for _ in range(draw(st.integers(1, 5))):
        entry_type = draw(st.sampled_from(ENTRY_TYPES))
        key = draw(st.one_of(st.sampled_from(SEED_KEYS), st.from_regex(r"[a-z][a-z0-9:_-]{0,12}", fullmatch=True)))
        fields = draw(st.lists(st.tuples(st.sampled_from(FIELD_NAMES), VALUES), max_size=7))
        body = "".join(f",\n  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{entry_type}{{{key}{body}\n}}\n")
    return "\n".join(entries)


def entries_seen(text: str) -> int:
    """The entries of `text` as bibtexparser (the importer's splitter) sees them: parsed or failed blocks."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    return sum(isinstance(block, model.Entry | model.ParsingFailedBlock) for block in library.blocks)


def stored_papers() -> dict[str, tuple[dict, tuple]]:
    """Every stored paper by key: its values (but VOLATILE) and its authors as (position, family, given)."""
    authors = defaultdict(list)
    rows = Authorship.objects.order_by("paper_id", "position").values_list(
        "paper__citation_key", "position", "author__family_name", "author__given_name"
    )
    for key, *author in rows:
        authors[key].append(tuple(author))
    return {
        row["citation_key"]: ({name: value for name, value in row.items() if name not in VOLATILE}, tuple(authors[key]))
        for row in Paper.objects.values()
        for key in [row["citation_key"]]
    }


def check_import(text: str) -> None:
    """One import against the stored papers, checked against every promise, then rolled back."""
    note(f"import_bibtex(text={text!r})")
    with transaction.atomic():
        before = stored_papers()
        run = import_bibtex(text=text)
        after = stored_papers()
        entries = entries_seen(text)
        assert run.state in ("done", "failed"), run.state
        if run.state == "failed":
            assert entries == 0, f"{run.error!r} with {entries} entries in the text"
            assert run.error and not run.messages and not any(run.counts.values()), run.counts
            assert after == before, "a failed run stored something"
        else:
            check_done_run(run, entries, before, after)
        transaction.set_rollback(True)


def check_done_run(run, entries: int, before: dict, after: dict) -> None:
    outcomes = [message["outcome"] for message in run.messages]
    assert len(outcomes) == sum(run.counts.values()) == entries, (outcomes, run.counts, entries)
    assert Counter(outcomes) == +Counter(run.counts), (outcomes, run.counts)

    created = [message["paper"] for message in run.messages if message["outcome"] == "created"]
    assert len(set(created)) == len(created), created
    assert set(before) <= set(after), "an import deleted papers"
    assert set(after) - set(before) == set(created), "new papers are exactly the created ones"
    for key in created:
        values, authors = after[key]
        assert values["title"].strip(), key
        assert [position for position, *_ in authors] == list(range(1, len(authors) + 1)), (key, authors)
        assert len({tuple(name) for _, *name in authors}) == len(authors), (key, authors)

    merged = {message["paper"] for message in run.messages if message["outcome"] in ("updated", "duplicate")}
    for key, (values, authors) in before.items():
        now_values, now_authors = after[key]
        if key not in merged or values["status"] == Paper.Status.REJECTED:
            assert (now_values, now_authors) == (values, authors), f"{key} changed without an outcome saying so"
        curated = [name for name, source in values["field_sources"].items() if source == Source.CURATOR]
        for name in curated:
            was, now = (authors, now_authors) if name == "authors" else (values[name], now_values[name])
            assert now == was, f"{key}: the curator's {name} was overwritten"


@pytest.fixture
def stored(db):
    """Before each example: five seed papers, one with a curator's title and authors, one rejected."""
    run = import_bibtex(text="\n".join(SEED_ENTRIES[:STORED_BEFORE]))
    assert run.state == "done" and run.counts["created"] == STORED_BEFORE, run.messages
    curated = Paper.objects.get(citation_key=CURATED)
    curated.title = "Whale, as a curator titled it"
    curated.field_sources = {**curated.field_sources, "title": Source.CURATOR, "authors": Source.CURATOR}
    curated.save()
    Paper.objects.filter(citation_key=REJECTED).update(status=Paper.Status.REJECTED)


FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(text=st.one_of(st.text(TEXT_CHARS, max_size=400), st.lists(BIB_CHARS, max_size=200).map("".join)))
@example(text="")
@example(text="% only a comment\n@comment{nothing here}\n@string{atc = {USENIX ATC}}\n")
@example(text="@misc{k, title = {No authors at all}}\n@misc{k, title = {Same key again}}\n@misc{untitled, year = 2024}")
def test_random_text_keeps_the_import_promises(stored, text):
    check_import(text)


@FUZZ
@given(text=mutated_seed())
@example(text=SEED_BIB)
@example(text=SEED_BIB.replace("title         = {Whale", "title = {Whale, again", 1))
def test_mutated_seed_bibtex_keeps_the_import_promises(stored, text):
    check_import(text)


@FUZZ
@given(text=bib_entries())
@example(text="@misc{jia2022whale, author = {Someone, Else}, title = {Not the curator's title}, eprint = {2011.09208}}")
@example(text="@article{li2022amp, title = {Changed while rejected}, author = {Doe, Jane and Doe, Jane}}")
@example(text="@misc{long, title = {T}, author = {" + "x" * 200 + ", A.}}\n@misc{ok, title = {Fine}, author = {A, B}}")
# An author that decodes to no name at all ({}, { }, \relax) must not make the import raise and lose the run.
@example(text="@misc{ok, title = {Kept}, author = {Doe, Jane}}\n@misc{nameless, title = {T}, author = {{}}}")
def test_random_entries_keep_the_import_promises(stored, text):
    check_import(text)
