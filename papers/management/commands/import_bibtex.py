import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from papers import ingestion
from papers.management.reporting import finish, report_run


class Command(BaseCommand):
    help = (
        "Import BibTeX files into the catalogue (papers are public at once). Prints the outcome counts of each "
        "file and every failed entry; exits non-zero when a file could not be imported at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="A .bib file, or - for standard input.")

    def handle(self, *args, files, **options):
        ok = True
        for name in files:
            try:
                data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as exc:
                self.stderr.write(self.style.ERROR(f"{name}: {exc.strerror}"))
                ok = False
                continue
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("latin-1")  # older .bib files
            run = ingestion.import_bibtex(text=text, input_name="stdin" if name == "-" else name)
            ok = report_run(self, run, label=name) and ok
        finish(ok, "An import")
