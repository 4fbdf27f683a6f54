"""PostgreSQL keeps papers_paper.search_vector current with triggers.

The vector gathers a paper's title (weight A), authors and category names (B), abstract and
version note (C), placement notes and venue (D). It spans both apps' tables, so it lives here,
in the app that depends on the other. Statement-level triggers keep bulk imports cheap.
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
    || setweight(to_tsvector('english', p.abstract || ' ' || p.version_note), 'C')
    || setweight(to_tsvector('english', coalesce((
           SELECT string_agg(pl.note, ' ') FROM taxonomy_placement pl WHERE pl.paper_id = p.id), '')
           || ' ' || p.venue || ' ' || p.venue_short), 'D')
  WHERE p.id = ANY(ids);
$$ LANGUAGE sql;
"""

# (trigger name, table, timing clause, body). Statement-level triggers see the changed rows
# through transition tables; column-filtered updates must be row-level in PostgreSQL.
STATEMENT_TRIGGERS = [
    ("paper_search_on_insert", "papers_paper", "INSERT", "REFERENCING NEW TABLE AS changed", "id"),
    ("authorship_search_on_insert", "papers_authorship", "INSERT", "REFERENCING NEW TABLE AS changed", "paper_id"),
    ("authorship_search_on_delete", "papers_authorship", "DELETE", "REFERENCING OLD TABLE AS changed", "paper_id"),
    ("authorship_search_on_update", "papers_authorship", "UPDATE", "REFERENCING NEW TABLE AS changed", "paper_id"),
    ("placement_search_on_insert", "taxonomy_placement", "INSERT", "REFERENCING NEW TABLE AS changed", "paper_id"),
    ("placement_search_on_delete", "taxonomy_placement", "DELETE", "REFERENCING OLD TABLE AS changed", "paper_id"),
    ("placement_search_on_update", "taxonomy_placement", "UPDATE", "REFERENCING NEW TABLE AS changed", "paper_id"),
]


def statement_trigger_sql(name, table, event, referencing, id_column):
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
  PERFORM paper_search_refresh(ARRAY(SELECT DISTINCT {id_column} FROM changed));
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER {name} AFTER {event} ON {table} {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


ROW_TRIGGERS = """
CREATE OR REPLACE FUNCTION paper_search_on_update() RETURNS trigger AS $$
BEGIN
  PERFORM paper_search_refresh(ARRAY[NEW.id]);
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER paper_search_on_update AFTER UPDATE OF title, abstract, version_note, venue, venue_short
  ON papers_paper FOR EACH ROW EXECUTE FUNCTION paper_search_on_update();

CREATE OR REPLACE FUNCTION author_search_on_update() RETURNS trigger AS $$
BEGIN
  PERFORM paper_search_refresh(ARRAY(SELECT paper_id FROM papers_authorship WHERE author_id = NEW.id));
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER author_search_on_update AFTER UPDATE OF given_name, family_name
  ON papers_author FOR EACH ROW EXECUTE FUNCTION author_search_on_update();

CREATE OR REPLACE FUNCTION category_search_on_update() RETURNS trigger AS $$
BEGIN
  PERFORM paper_search_refresh(ARRAY(SELECT paper_id FROM taxonomy_placement WHERE category_id = NEW.id));
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER category_search_on_update AFTER UPDATE OF name
  ON taxonomy_category FOR EACH ROW EXECUTE FUNCTION category_search_on_update();
"""

DROP_SQL = (
    """
DROP TRIGGER IF EXISTS paper_search_on_update ON papers_paper;
DROP TRIGGER IF EXISTS author_search_on_update ON papers_author;
DROP TRIGGER IF EXISTS category_search_on_update ON taxonomy_category;
DROP FUNCTION IF EXISTS paper_search_on_update(), author_search_on_update(), category_search_on_update();
"""
    + "".join(
        f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {name}();\n"
        for name, table, *_ in STATEMENT_TRIGGERS
    )
    + "DROP FUNCTION IF EXISTS paper_search_refresh(bigint[]);\n"
)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches without a stored vector (papers.search fallback).
    schema_editor.execute(REFRESH_FUNCTION)
    for trigger in STATEMENT_TRIGGERS:
        schema_editor.execute(statement_trigger_sql(*trigger))
    schema_editor.execute(ROW_TRIGGERS)
    # Papers that exist before the triggers (none on a fresh database).
    schema_editor.execute("SELECT paper_search_refresh(ARRAY(SELECT id FROM papers_paper))")


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0002_search"),
        ("taxonomy", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
