from django.core.management.base import BaseCommand

from papers import tasks
from papers.management.reporting import finish, report_run
from papers.models import ArxivQuery, IngestRun


class Command(BaseCommand):
    help = (
        "Run the saved arXiv queries now (as the daily schedule does): papers not seen before arrive as "
        "candidates in the admin inbox. Prints the outcome counts; exits non-zero when the run failed."
    )

    def handle(self, *args, **options):
        active = ArxivQuery.objects.filter(is_active=True).count()
        if not active:
            self.stderr.write("No active arXiv query: add one in the admin (arXiv queries).")
        run = tasks.run_in_process(IngestRun.Kind.ARXIV_WATCH)
        finish(report_run(self, run, label=f"{active} queries"), "The arXiv watch")
