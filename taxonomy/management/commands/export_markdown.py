from django.core.management.base import BaseCommand

from taxonomy.awesome import awesome_markdown


class Command(BaseCommand):
    help = "Print the awesome list (Markdown) regenerated from the database, or write it with -o."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write instead of standard output.")

    def handle(self, *args, output=None, **options):
        text = awesome_markdown()
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Awesome list written to {output}")
        else:
            self.stdout.write(text, ending="")
