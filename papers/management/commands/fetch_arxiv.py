from django.core.management.base import BaseCommand

from papers import tasks
from papers.management.reporting import finish, report_run
from papers.models import IngestRun


class Command(BaseCommand):
    help = (
        "Fetch papers from arXiv by id and add or refresh them (in batches; when arXiv is unavailable, retried "
        "with backoff if CELERY_BROKER_URL is set, else the fetch fails at once: run it again later). Prints "
        "the outcome counts; exits non-zero when the fetch failed as a whole."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "ids", nargs="+", metavar="ID", help="arXiv ids in any form: 2005.14038, arXiv:2005.14038v2, URLs."
        )

    def handle(self, *args, ids, **options):
        run = tasks.run_in_process(IngestRun.Kind.ARXIV_FETCH, input="\n".join(ids))
        finish(report_run(self, run), "The arXiv fetch")
