"""What the cores tell the rest of the project, without knowing who listens.

`catalogue_changed` is sent once after each committed transaction that changed public catalogue data
(papers, authors, the taxonomy, finished ingestion runs, bulk loads and restores). The project's wiring
connects the response cache to it; a core only announces.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

catalogue_changed = Signal()


def _send_catalogue_changed() -> None:
    catalogue_changed.send(sender=None)


def announce_catalogue_change(using: str | None = None) -> None:
    """Send catalogue_changed once the current transaction commits (at once outside one): a reader who
    misses a cache before the commit would otherwise store the old data under the new generation."""
    connection = transaction.get_connection(using)
    # Once per transaction, however many rows it writes (a restore saves every row of the catalogue).
    if connection.in_atomic_block and any(entry[1] is _send_catalogue_changed for entry in connection.run_on_commit):
        return
    # robust: the data is committed either way; a failing listener must not turn the write into a 500.
    transaction.on_commit(_send_catalogue_changed, using=using, robust=True)


def announce_changes_of(*models, when: Callable[[Any], bool] | None = None) -> None:
    """A save or delete of these models (of an instance for which `when` holds) announces a change.
    Called from the cores' AppConfig.ready()."""

    def changed(sender, instance, using=None, **kwargs):
        if when is None or when(instance):
            announce_catalogue_change(using)

    for model in models:
        uid = f"catalogue-changed-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=uid, weak=False)
