from django.core.management.base import BaseCommand, CommandError

from papers.exports import PREFER, bibtex_for_papers
from papers.models import Paper
from taxonomy.models import Category


class Command(BaseCommand):
    # Here, not in papers: a category is the taxonomy's.
    help = "Write the BibTeX of the public papers (all, or one category's) to standard output or a file."

    def add_arguments(self, parser):
        parser.add_argument("--category", metavar="SLUG", help="Only papers in this category or its sub-categories.")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write to FILE instead of standard output.")
        parser.add_argument("--abstract", action="store_true", help="Include abstracts.")
        parser.add_argument(
            "--prefer", choices=PREFER, default="published", help="Cite the published version (default) or arXiv's."
        )

    def handle(self, *args, category=None, output=None, abstract=False, prefer="published", **options):
        papers = Paper.objects.public().with_authors().order_by("citation_key")
        if category:
            found = Category.objects.filter(slug=category).first()
            if found is None:
                raise CommandError(f"No category {category!r}.")
            papers = papers.in_category(found)
        papers = list(papers)
        text = bibtex_for_papers(papers, prefer=prefer, include_abstract=abstract)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(f"Wrote {len(papers)} entries to {output}.")
        else:
            self.stdout.write(text, ending="")
