"""Storing a run's results: bulk writes inside the caller's transaction, one import at a time.

On PostgreSQL new papers and authorships go in with COPY (no model instances, no SQL compilation:
for the 30-odd columns of a paper Django's compiler costs more than the database does); elsewhere
with bulk_create.
"""

import io
import json

from django.db import connection, models
from django.utils import timezone

from papers.ingestion.matching import Pending, chunks
from papers.models import Authorship, Paper
from papers.services import get_or_create_authors

# Any constant shared by every ingestion transaction (pg_advisory_xact_lock takes a bigint).
IMPORT_LOCK = 0x48475055  # "HGPU"


def serialize_imports() -> None:
    """One import writes at a time: two workers importing the same papers would otherwise both decide
    to create them, and the second would fail on the unique constraints. The lock is held until the
    transaction ends, and the waiting import then matches against what the first one stored.
    (SQLite allows one writer anyway.)"""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("ingest_records must run inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def write(pendings: list[Pending]) -> None:
    """Create the new papers and save the changed ones with bulk queries, with their author lists."""
    if not pendings:
        return
    now = timezone.now()
    new = [p for p in pendings if p.is_new]
    for pending in new:
        pending.paper.created_at = pending.paper.updated_at = now
        pending.paper.set_title_keys()
    with_authors = [p for p in pendings if p.is_new or p.authors_changed]
    names = list(dict.fromkeys(name for p in with_authors for name in p.authors))
    authors = dict(zip(names, get_or_create_authors(names), strict=True))

    def authorship_rows(group):
        return [(p.paper.pk, authors[name].pk, pos) for p in group for pos, name in enumerate(p.authors, 1)]

    if connection.vendor == "postgresql":
        # The search triggers (taxonomy migration 0002) recompute a paper's vector when the paper and
        # when its authorships are inserted. Authorships first (ids drawn from the sequence; foreign
        # keys are checked at commit), then papers: one computation per paper instead of two.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('papers_paper', 'id')) FROM generate_series(1, %s)",
                [len(new)],
            )
            for pending, (pk,) in zip(new, cursor.fetchall(), strict=True):
                pending.paper.pk = pending.paper.id = pk
        _insert_rows(Authorship, ["paper_id", "author_id", "position"], authorship_rows(new))
        _insert_papers([p.paper for p in new])
    else:
        Paper.objects.bulk_create([p.paper for p in new], batch_size=1000)
        _insert_rows(Authorship, ["paper_id", "author_id", "position"], authorship_rows(new))

    changed = [p for p in pendings if not p.is_new and p.changed]
    if changed:
        for pending in changed:
            pending.paper.updated_at = now
        fields = sorted(set().union(*(p.changed for p in changed)) - {"authors"} | {"updated_at"})
        Paper.objects.bulk_update([p.paper for p in changed], fields, batch_size=500)  # title keys too
    replaced = [p for p in with_authors if not p.is_new]
    for chunk in chunks([p.paper.pk for p in replaced]):
        Authorship.objects.filter(paper_id__in=chunk).delete()
    _insert_rows(Authorship, ["paper_id", "author_id", "position"], authorship_rows(replaced))


def _insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Plain rows into `model`'s table: no model instances (a 10,000-paper import has ~40,000 authorships)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=2000)
        return
    _copy(model._meta.db_table, columns, rows)


def _insert_papers(papers: list[Paper]) -> None:
    """Papers, with their ids, as the model holds their values (JSON fields serialised)."""
    if not papers:
        return
    fields = [f for f in Paper._meta.concrete_fields if f.column != "search_vector"]
    json_columns = {n for n, f in enumerate(fields) if isinstance(f, models.JSONField)}
    attnames = [f.attname for f in fields]
    rows = []
    for paper in papers:
        row = [getattr(paper, name) for name in attnames]
        for n in json_columns:
            row[n] = json.dumps(row[n])
        rows.append(row)
    _copy(Paper._meta.db_table, [f.column for f in fields], rows)
    for paper in papers:
        paper._state.adding = False
        paper._state.db = connection.alias


# COPY's text format: tab-separated, \N for NULL, backslash escapes.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)  # numbers; dates and aware datetimes in ISO form with a space, which PostgreSQL reads


def _copy(table: str, columns: list[str], rows) -> None:
    quote = connection.ops.quote_name
    data = "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, io.StringIO(data))  # psycopg2's cursor under Django's wrapper
