"""The search vector gathers the paper's curated facts (papers_paper.search_facts, weight C beside the
abstract) instead of only its placement notes (which the facts include), and is rebuilt when they change.

The facts themselves are written by taxonomy.search_facts: `load_catalogue` writes them for the catalogue's
papers, `manage.py refresh_search_facts` for every paper of a database loaded before this migration.
"""

from django.db import migrations

REFRESH_FUNCTION = """
CREATE OR REPLACE FUNCTION paper_search_refresh(ids bigint[]) RETURNS void AS $$
  UPDATE papers_paper p SET search_vector =
       setweight(to_tsvector('english', coalesce(p.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce((
           SELECT string_agg(a.given_name || ' ' || a.family_name, ' ' ORDER BY s.position)
           FROM papers_authorship s JOIN papers_author a ON a.id = s.author_id
           WHERE s.paper_id = p.id), '')), 'B')
    || setweight(to_tsvector('english', coalesce((
           SELECT string_agg(c.name, ' ')
           FROM taxonomy_placement pl JOIN taxonomy_category c ON c.id = pl.category_id
           WHERE pl.paper_id = p.id), '')), 'B')
    || setweight(to_tsvector('english', p.abstract || ' ' || p.version_note || ' ' || p.search_facts), 'C')
    || setweight(to_tsvector('english', p.venue || ' ' || p.venue_short), 'D')
  WHERE p.id = ANY(ids);
$$ LANGUAGE sql;
"""

PREVIOUS_FUNCTION = """
CREATE OR REPLACE FUNCTION paper_search_refresh(ids bigint[]) RETURNS void AS $$
  UPDATE papers_paper p SET search_vector =
       setweight(to_tsvector('english', coalesce(p.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce((
           SELECT string_agg(a.given_name || ' ' || a.family_name, ' ' ORDER BY s.position)
           FROM papers_authorship s JOIN papers_author a ON a.id = s.author_id
           WHERE s.paper_id = p.id), '')), 'B')
    || setweight(to_tsvector('english', coalesce((
           SELECT string_agg(c.name, ' ')
           FROM taxonomy_placement pl JOIN taxonomy_category c ON c.id = pl.category_id
           WHERE pl.paper_id = p.id), '')), 'B')
    || setweight(to_tsvector('english', p.abstract || ' ' || p.version_note), 'C')
    || setweight(to_tsvector('english', coalesce((
           SELECT string_agg(pl.note, ' ') FROM taxonomy_placement pl WHERE pl.paper_id = p.id), '')
           || ' ' || p.venue || ' ' || p.venue_short), 'D')
  WHERE p.id = ANY(ids);
$$ LANGUAGE sql;
"""


def update_trigger(columns: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS paper_search_on_update ON papers_paper;
CREATE TRIGGER paper_search_on_update AFTER UPDATE OF {columns}
  ON papers_paper FOR EACH ROW EXECUTE FUNCTION paper_search_on_update();
"""


COLUMNS = "title, abstract, version_note, venue, venue_short"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REFRESH_FUNCTION)
    schema_editor.execute(update_trigger(f"{COLUMNS}, search_facts"))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PREVIOUS_FUNCTION)
    schema_editor.execute(update_trigger(COLUMNS))


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0010_search_facts"),
        ("taxonomy", "0006_term_families"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
