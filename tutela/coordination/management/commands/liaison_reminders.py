"""Run daily (cron or a scheduler): enqueue reminders for liaison deadlines within a week."""

from django.core.management.base import BaseCommand
from django.db import transaction

from tutela.coordination import services


class Command(BaseCommand):
    help = "Enqueue deadline reminders for liaison statements asking for action within --days days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=services.REMINDER_DAYS)

    def handle(self, *args, days: int, **options):
        with transaction.atomic():
            count = services.liaison_reminders_schedule(days=days)
        self.stdout.write(f"Liaison reminders enqueued: {count}.")
