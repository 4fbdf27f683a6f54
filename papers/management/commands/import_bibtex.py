import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from papers import ingestion
from papers.management.reporting import finish, report_run
from papers.uploads import UploadRejected, decode_bibtex


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
                text = decode_bibtex(data)
            except UploadRejected as exc:
                self.stderr.write(self.style.ERROR(f"{name}: {exc}"))
                ok = False
                continue
            run = ingestion.import_bibtex(text=text, input_name="stdin" if name == "-" else name)
            ok = report_run(self, run, label=name) and ok
        finish(ok, "An import")
