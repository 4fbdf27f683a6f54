"""How the ingestion commands report a run: one summary line, then each failed entry on its own line."""

from django.core.management.base import BaseCommand, CommandError

from papers.models import IngestRun


def report_run(command: BaseCommand, run: IngestRun, label: str = "") -> bool:
    """Print the run's outcome counts and failed entries; False when the run as a whole failed."""
    run.refresh_from_db()
    prefix = f"{label}: " if label else ""
    if run.state == IngestRun.State.FAILED:
        command.stderr.write(command.style.ERROR(f"{prefix}{run} failed: {run.error}"))
        return False
    counts = ", ".join(f"{count} {outcome}" for outcome, count in run.counts.items())
    requests = f"; {run.requests_made} requests to arXiv" if run.kind != IngestRun.Kind.BIBTEX_IMPORT else ""
    command.stdout.write(f"{prefix}{counts} (run #{run.pk}{requests})")
    for message in run.messages:
        if message["outcome"] == IngestRun.Outcome.FAILED:
            where = f"line {message['line']}, " if message.get("line") else ""
            command.stderr.write(f"  failed: {where}{message['entry']}: {message['message']}")
    return True


def finish(ok: bool, what: str) -> None:
    if not ok:
        raise CommandError(f"{what} failed; see above.")
