"""Authors stored by the old "Family, Given" / "Given Family" splitter, renamed as BibTeX's grammar
names them, so that the next import of the same person finds them instead of adding a second author:

- "van der Berg, Jr., Piet" was (van der Berg | Jr., Piet): now (van der Berg, Jr. | Piet);
- "Piet van der Berg" was (Berg | Piet van der): now (van der Berg | Piet).

An author whose new name already exists is merged into that one.
"""

from django.db import migrations

from papers.names import parse_name


def bibtex_grammar_name(family: str, given: str) -> tuple[str, str] | None:
    """The (family, given) the BibTeX grammar gives a name the old splitter stored, or None if unchanged."""
    if "," in given:  # the old split put "Jr, First" into the given name
        name = parse_name(f"{family}, {given}")
    elif given.split() and given.split()[-1][:1].islower():  # "First von" Last
        name = parse_name(f"{given} {family}")
    else:
        return None
    renamed = (name.family, name.given)
    return renamed if renamed != (family, given) and name.family else None


def rename_authors(apps, schema_editor):
    Author = apps.get_model("papers", "Author")
    Authorship = apps.get_model("papers", "Authorship")
    for author in list(Author.objects.all()):
        renamed = bibtex_grammar_name(author.family_name, author.given_name)
        if renamed is None:
            continue
        existing = Author.objects.filter(family_name=renamed[0], given_name=renamed[1]).first()
        if existing is None:
            author.family_name, author.given_name = renamed
            author.save(update_fields=["family_name", "given_name"])
            continue
        for authorship in Authorship.objects.filter(author=author):
            if Authorship.objects.filter(paper_id=authorship.paper_id, author=existing).exists():
                authorship.delete()  # both spellings on one paper: one person, listed once
            else:
                authorship.author = existing
                authorship.save(update_fields=["author"])
        author.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0007_paper_normalized_titles"),
    ]

    operations = [
        migrations.RunPython(rename_authors, migrations.RunPython.noop, elidable=True),
    ]
