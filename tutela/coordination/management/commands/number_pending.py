"""Number documents left "number pending" (a crash between registration and its numbering step).

Safe to run at any time, e.g. at start-up or from cron: it takes each counter's lock like a
registration does, so it never gives a number twice or skips one."""

from django.core.management.base import BaseCommand

from tutela.coordination import services


class Command(BaseCommand):
    help = "Give every registered document still without a number its number, in registration order."

    def handle(self, *args, **options):
        count = services.documents_number_all_pending()
        self.stdout.write(f"Documents numbered: {count}.")
