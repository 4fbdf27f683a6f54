"""Ingestion records: saved arXiv queries, and runs with their state machine.

A run is created (queued, with an owner), started, then finished (outcomes) or failed (a reason);
an arXiv failure worth retrying notes when the next attempt is due.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger("papers.ingestion")

# The owner of a run done by the process that created it (a command, a direct service call).
IN_PROCESS = "in-process"


class ArxivQuery(models.Model):
    """A saved arXiv search the watch runs on its schedule, e.g. all:"heterogeneous GPU" AND cat:cs.DC."""

    name = models.CharField(max_length=120)
    query = models.CharField(max_length=500, unique=True, help_text="arXiv API search_query syntax.")
    is_active = models.BooleanField(default=True)
    max_results = models.PositiveSmallIntegerField(default=50, help_text="Newest submissions looked at per run.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_run_new = models.PositiveIntegerField(default=0, help_text="Candidates the last run proposed.")

    class Meta:
        ordering = ["name"]
        verbose_name = "arXiv query"
        verbose_name_plural = "arXiv queries"
        constraints = [
            models.CheckConstraint(condition=~Q(query=""), name="arxivquery_query_not_empty"),
            # The arXiv API serves at most 2000 results per page; one page per query and run.
            models.CheckConstraint(
                condition=Q(max_results__gte=1, max_results__lte=2000), name="arxivquery_max_results_range"
            ),
        ]

    def __str__(self):
        return self.name


class IngestRunQuerySet(models.QuerySet):
    def create_run(self, *, kind: str, input: str = "", input_name: str = "", user=None, owner: str = IN_PROCESS):
        """A new run, owned by `owner`: the task id that will do it, IN_PROCESS for the caller itself, or ""
        for a run to hand to the broker (papers.tasks.dispatch claims it; the recovery task sends every run
        left without an owner)."""
        return self.create(
            kind=kind,
            input=input,
            input_name=input_name[:200],
            requested_by=user if user and user.pk else None,
            task_id=owner,
            enqueued_at=timezone.now() if owner else None,
        )

    def runs_to_dispatch(self, *, stale_after: timedelta, max_restarts: int) -> list["IngestRun"]:
        """The unfinished runs that no task will ever pick up, reset to "queued" for dispatch.

        - Runs submitted while the broker was away (never handed to it).
        - Runs whose task went quiet: running but untouched for `stale_after` (longer than a task may run),
          because their worker was killed. Each import writes in one transaction, so such a run left no
          half-written paper: it starts over. After `max_restarts` it is marked failed instead, so an input
          that kills workers stops.
        - Runs queued for 4 x `stale_after` without starting: their message was lost (a broker restarted
          without its data). Shorter would push back runs merely waiting behind a long queue.
        A run waiting for an arXiv retry is left alone until its retry is overdue by `stale_after` too.
        """
        now = timezone.now()
        cutoff = now - stale_after
        unfinished = self.filter(state__in=[IngestRun.State.QUEUED, IngestRun.State.RUNNING])
        lost = Q(state=IngestRun.State.RUNNING, updated_at__lt=cutoff) & (
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff)
        )
        lost_message = Q(state=IngestRun.State.QUEUED, updated_at__lt=now - 4 * stale_after) & ~Q(task_id="")
        quiet = unfinished.filter(lost | lost_message)
        quiet.filter(restarts__gte=max_restarts).update(
            state=IngestRun.State.FAILED,
            finished_at=now,
            updated_at=now,
            next_attempt_at=None,
            error=f"The worker stopped mid-run {max_restarts + 1} times; nothing of it was kept. Check the input, "
            "then run it again.",
        )
        quiet.update(
            state=IngestRun.State.QUEUED,
            enqueued_at=None,
            task_id="",
            next_attempt_at=None,
            updated_at=now,
            restarts=F("restarts") + 1,
        )
        return list(unfinished.filter(state=IngestRun.State.QUEUED, task_id="").order_by("pk"))

    def in_arxiv_backoff(self):
        """arXiv runs waiting for their next attempt after a transient failure."""
        return self.filter(
            kind__in=[IngestRun.Kind.ARXIV_FETCH, IngestRun.Kind.ARXIV_WATCH],
            state=IngestRun.State.RUNNING,
            next_attempt_at__gt=timezone.now(),
        )


class IngestRun(models.Model):
    """One import or fetch: what was asked, how it went, and what happened to each entry."""

    class Kind(models.TextChoices):
        ARXIV_FETCH = "arxiv_fetch", "arXiv fetch"
        ARXIV_WATCH = "arxiv_watch", "arXiv watch"
        BIBTEX_IMPORT = "bibtex_import", "BibTeX import"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Outcome(models.TextChoices):
        CREATED = "created"
        UPDATED = "updated"
        UNCHANGED = "unchanged"
        DUPLICATE = "duplicate"
        FAILED = "failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    input = models.TextField(blank=True, help_text="arXiv ids (one per line), the BibTeX text, or the queries run.")
    input_name = models.CharField(max_length=200, blank=True, help_text="Uploaded file name, if any.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Every save touches it: a run that is not finished and has not moved for a long time has lost
    # its task (worker killed, message lost with the broker), and the recovery task dispatches it again.
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Who does the run (a Celery task id, or "in-process" for a command) and since when. Empty/NULL:
    # nobody yet, as when the broker was away; the recovery task dispatches the run when it is back.
    task_id = models.CharField(max_length=64, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    restarts = models.PositiveSmallIntegerField(default=0, help_text="Times it started over after losing its worker.")
    # Set while a transient failure (network, HTTP 5xx) waits for its retry: arXiv is "in backoff".
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    requests_made = models.PositiveIntegerField(default=0, help_text="HTTP requests sent to arXiv.")
    created_count = models.PositiveIntegerField("created", default=0)
    updated_count = models.PositiveIntegerField("updated", default=0)
    unchanged_count = models.PositiveIntegerField("unchanged", default=0)
    duplicate_count = models.PositiveIntegerField("duplicate", default=0)
    failed_count = models.PositiveIntegerField("failed", default=0)
    # One {"entry", "outcome", "paper", "message"} per entry, in input order.
    messages = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, help_text="Why the run as a whole failed.")

    objects = IngestRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "ingest run"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["arxiv_fetch", "arxiv_watch", "bibtex_import"]), name="ingestrun_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]), name="ingestrun_state_valid"
            ),
            # A finished run has its finishing time; the health page sorts on it.
            models.CheckConstraint(
                condition=~Q(state__in=["done", "failed"]) | Q(finished_at__isnull=False),
                name="ingestrun_finished_has_time",
            ),
        ]
        indexes = [
            # Health page: the last successful run and recent failures per kind.
            models.Index(fields=["kind", "state", "finished_at"], name="ingestrun_kind_state_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.state})"

    @property
    def counts(self) -> dict[str, int]:
        return {outcome.value: getattr(self, f"{outcome.value}_count") for outcome in self.Outcome}

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def waiting_for_queue(self) -> bool:
        """Saved, but the broker was away when it was submitted: it starts when the broker is back."""
        return self.state == self.State.QUEUED and not self.task_id

    # --- the state machine ---------------------------------------------------------------------------------
    def start(self) -> None:
        self.state = self.State.RUNNING
        self.started_at = self.started_at or timezone.now()
        self.attempts += 1
        self.next_attempt_at = None
        self.save(update_fields=["state", "started_at", "attempts", "next_attempt_at", "updated_at"])

    def fail(self, error: str) -> None:
        self.state = self.State.FAILED
        self.error = error
        self.finished_at = timezone.now()
        self.next_attempt_at = None
        self.save(update_fields=["state", "error", "finished_at", "next_attempt_at", "updated_at"])
        logger.warning("%s failed: %s", self, error)

    def note_retry(self, error: str, countdown: float) -> None:
        """A transient failure: the run waits `countdown` seconds for its next attempt (arXiv is in backoff)."""
        self.next_attempt_at = timezone.now() + timedelta(seconds=countdown)
        self.error = f"Attempt {self.attempts} failed: {error} Retrying in {countdown:g} s."
        self.save(update_fields=["next_attempt_at", "error", "updated_at"])
        logger.info("%s: %s", self, self.error)

    def finish(self, outcomes) -> None:
        """Done, with one outcome per entry (objects with .outcome and .as_message(), in input order)."""
        outcomes = list(outcomes)
        for outcome in self.Outcome:
            setattr(self, f"{outcome.value}_count", sum(1 for o in outcomes if o.outcome == outcome))
        self.messages = [o.as_message() for o in outcomes]
        self.state = self.State.DONE
        self.error = ""
        self.finished_at = timezone.now()
        counts = [f"{outcome.value}_count" for outcome in self.Outcome]
        # Not the (large) input again.
        self.save(update_fields=[*counts, "messages", "state", "error", "finished_at", "updated_at"])
        logger.info("%s: %s", self, self.counts)
