"""Load the demo: the seed report's story, app by app, into an empty database."""

import importlib

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo data (the 2013-14 COP progress update as records). Skips a non-empty database."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any account exists.")

    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and get_user_model().objects.exists():
            self.stdout.write("Demo data: the database already holds data; nothing loaded.")
            return
        loaded = []
        # Each app that has a ``demo`` module with ``load(context)`` adds its part, in
        # INSTALLED_APPS order, sharing one context dict (e.g. the demo actor, records by key).
        context: dict = {}
        with transaction.atomic():
            for config in apps.get_app_configs():
                if not config.name.startswith("tutela."):
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{config.name}.demo":
                        raise
                    continue
                # One line per app as it starts: the whole load takes a while on a slow disk.
                self.stdout.write(f"  demo: {config.verbose_name}…")
                self.stdout.flush()
                module.load(context)
                loaded.append(config.label)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {', '.join(loaded)}."))
