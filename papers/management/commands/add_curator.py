from django.core.management.base import BaseCommand

from papers.curators import make_curator


class Command(BaseCommand):
    help = "Create or promote a curator: staff who edit papers and the taxonomy, not users or tokens."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        user, created = make_curator(username, email=email)
        if created:
            self.stdout.write(f"Created curator {user}. Set a password: manage.py changepassword {user}")
        else:
            self.stdout.write(f"{user} is a curator.")
