"""The whole catalogue as one JSON document, and back.

Papers, authors, authorships, categories, placements, dimensions, terms, values, evaluation facts
(GPU types, setups and their GPUs, results, baselines, models) and the change history, with provenance
(field sources) and timestamps, by primary key: restoring into an empty database reproduces every API
response byte for byte. Users, tokens and ingestion runs are not
part of the catalogue; a change record keeps its author's name, not the account.
"""

import datetime
from decimal import Decimal

from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction

from papers.models import Author, Authorship, Paper
from papers.signals import announce_catalogue_change
from taxonomy.models import (
    Baseline,
    Category,
    ChangeRecord,
    Dimension,
    DimensionValue,
    EvaluatedModel,
    Evaluation,
    GpuType,
    Placement,
    Result,
    Setup,
    SetupGpu,
    Term,
)
from taxonomy.search_facts import papers_changed, refreshing_once

FORMAT = "heterogpu-catalogue"
VERSION = 2  # 2 added the evaluation facts
READABLE_VERSIONS = (1, 2)  # a version-1 document is a catalogue without evaluation facts
# Parents before children, so each row's foreign keys exist when it is inserted.
MODELS = [
    Author,
    Paper,
    Authorship,
    Category,
    Placement,
    Dimension,
    Term,
    DimensionValue,
    GpuType,
    Evaluation,
    Setup,
    SetupGpu,
    Result,
    Baseline,
    EvaluatedModel,
    ChangeRecord,
]


class BackupError(ValueError):
    pass


def _fields(model) -> list[str]:
    # The search vector is derived (database triggers rebuild it); the change's user is an account.
    skipped = {"search_vector", "search_facts", "user"}  # derived: rebuilt after a restore
    return [f.name for f in model._meta.local_fields if not f.primary_key and f.name not in skipped]


def _ordered(model):
    # Categories and term families refer to their parents: parents first, so every self-reference points at
    # a row already inserted.
    if model in (Category, Term):
        by_parent: dict = {}
        for row in model.objects.order_by("pk"):
            by_parent.setdefault(row.parent_id, []).append(row)
        ordered, stack = [], list(reversed(by_parent.get(None, [])))
        while stack:
            row = stack.pop()
            ordered.append(row)
            stack.extend(reversed(by_parent.get(row.pk, [])))
        return ordered
    return model.objects.order_by("pk")


def _plain(value):
    # Full precision: Django's JSON encoder would cut timestamps to milliseconds.
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # exact, as JSON numbers would not be
    return value


def export_catalogue() -> dict:
    objects = []
    for model in MODELS:
        for row in serializers.serialize("python", _ordered(model), fields=_fields(model)):
            row["fields"] = {name: _plain(value) for name, value in row["fields"].items()}
            objects.append(row)
    return {"format": FORMAT, "version": VERSION, "objects": objects}


@transaction.atomic
def import_catalogue(document: dict) -> dict[str, int]:
    """Restore an export into an empty catalogue; returns the number of rows per model."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"Not a {FORMAT} document.")
    if document.get("version") not in READABLE_VERSIONS:
        raise BackupError(f"Unsupported version {document.get('version')!r} (this app reads {READABLE_VERSIONS}).")
    if any(model.objects.exists() for model in MODELS):
        raise BackupError("The catalogue is not empty: restore into an empty database.")
    counts: dict[str, int] = {}
    try:
        with refreshing_once():
            for restored in serializers.deserialize("python", document["objects"]):
                restored.save()
                label = restored.object._meta.label
                counts[label] = counts.get(label, 0) + 1
            papers_changed(Paper.objects.values_list("pk", flat=True))
    except (serializers.base.DeserializationError, KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"Malformed catalogue document: {exc}") from exc
    # Rows came with their primary keys: move the sequences past them (PostgreSQL).
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), MODELS):
            cursor.execute(sql)
    announce_catalogue_change()  # cached responses of the empty catalogue are stale once this commits
    return counts
