"""One name parser (BibTeX's grammar) for every door, so that one person is one author."""

import importlib

import pytest
from django.apps import apps

from papers import ingestion
from papers.models import Author, Authorship
from papers.names import PersonName, parse_name
from tests.factories import make_paper

renaming = importlib.import_module("papers.migrations.0008_author_names_by_bibtex_grammar")


@pytest.mark.parametrize(
    "raw, family, given",
    [
        # "Last, First" and "First Last"
        ("Park, Jay H.", "Park", "Jay H."),
        ("Jay H. Park", "Park", "Jay H."),
        ("  Doe ,   Jane  ", "Doe", "Jane"),
        ("Jean-Paul Sartre", "Sartre", "Jean-Paul"),
        # von parts belong to the family name, in either form
        ("van der Berg, Piet", "van der Berg", "Piet"),
        ("Piet van der Berg", "van der Berg", "Piet"),
        ("Jay de la Fuente", "de la Fuente", "Jay"),
        ("Charles Louis Xavier Joseph de la Vallée Poussin", "de la Vallée Poussin", "Charles Louis Xavier Joseph"),
        # Jr. parts: "von Last, Jr, First"
        ("van der Berg, Jr., Piet", "van der Berg, Jr.", "Piet"),
        ("King, Jr., Martin Luther", "King, Jr.", "Martin Luther"),
        # braces group words; a last name of two words needs them in the "First Last" form
        ("{Google Research}", "Google Research", ""),
        ("Per {Brinch Hansen}", "Brinch Hansen", "Per"),
        ("Brinch Hansen, Per", "Brinch Hansen", "Per"),
        # single names
        ("Plato", "Plato", ""),
        (", Jane", "Jane", ""),
        # LaTeX accents are decoded
        (r"M{\"u}ller, J{\"o}rg", "Müller", "Jörg"),
        (r"J{\"o}rg M{\"u}ller", "Müller", "Jörg"),
        (r"Goiri, {\'I}{\~n}igo", "Goiri", "Íñigo"),
        (r"{\L}ukasz Kaiser", "Kaiser", "Łukasz"),
        ("Ré, Christopher", "Ré", "Christopher"),
    ],
)
def test_the_hard_cases(raw, family, given):
    assert parse_name(raw) == PersonName(family, given)


def test_nothing_is_no_name():
    assert parse_name("") == PersonName("", "") and parse_name(None) == PersonName("", "")


def test_a_stored_name_written_back_as_bibtex_parses_to_itself():
    from papers.exports import bibtex_name

    for name in (PersonName("van der Berg, Jr.", "Piet"), PersonName("Müller", "Jörg"), PersonName("Google Research")):
        assert parse_name(bibtex_name(name.family, name.given)) == name


@pytest.mark.django_db
def test_bibtex_arxiv_the_api_and_the_factories_make_one_author_of_one_person(api, django_user_model):
    ingestion.import_bibtex(text="@misc{k, title = {One}, author = {van der Berg, Jr., Piet and Park, Jay H.}}")
    api.force_authenticate(django_user_model.objects.create_user("curator", is_staff=True))
    response = api.post(
        "/api/papers/",
        {"citation_key": "two", "title": "Two", "authors": ["van der Berg, Jr., Piet", "Jay H. Park"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    make_paper(authors=["Piet van der Berg", "Park, Jay H."])
    names = sorted((a.family_name, a.given_name) for a in Author.objects.all())
    assert names == [("Park", "Jay H."), ("van der Berg", "Piet"), ("van der Berg, Jr.", "Piet")]


@pytest.mark.parametrize(
    "stored, renamed",
    [
        (("van der Berg", "Jr., Piet"), ("van der Berg, Jr.", "Piet")),
        (("Berg", "Piet van der"), ("van der Berg", "Piet")),
        (("Fuente", "Jay de la"), ("de la Fuente", "Jay")),
        (("Park", "Jay H."), None),
        (("van der Berg", "Piet"), None),
        (("Google Research", ""), None),
    ],
)
def test_the_migration_renames_what_the_old_splitter_stored(stored, renamed):
    assert renaming.bibtex_grammar_name(*stored) == renamed


@pytest.mark.django_db
def test_the_migration_renames_old_authors_and_merges_them_into_existing_ones():
    old_jr = Author.objects.create(family_name="van der Berg", given_name="Jr., Piet")
    old_von = Author.objects.create(family_name="Berg", given_name="Piet van der")
    canonical = Author.objects.create(family_name="van der Berg", given_name="Piet")
    both = make_paper(authors=[])
    Authorship.objects.create(paper=both, author=old_von, position=1)
    Authorship.objects.create(paper=both, author=canonical, position=2)
    one = make_paper(authors=[])
    Authorship.objects.create(paper=one, author=old_von, position=1)

    renaming.rename_authors(apps, None)

    old_jr.refresh_from_db()
    assert (old_jr.family_name, old_jr.given_name) == ("van der Berg, Jr.", "Piet")
    assert not Author.objects.filter(pk=old_von.pk).exists()
    assert [a.pk for a in one.ordered_authors] == [canonical.pk]
    assert [a.pk for a in both.ordered_authors] == [canonical.pk]  # listed once
