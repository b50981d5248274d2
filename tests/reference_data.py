"""What migrations create and a flush removes, put back for the next test: one function for the root
conftest (after a transactional test) and the page catalogue (after its module's flush)."""


def restore() -> None:
    import importlib

    from django.apps import apps
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    from tutela.initiatives.models import Pillar

    # Rate-limit counts live in a database cache table that a transactional test's flush leaves alone.
    caches["ratelimit"].clear()
    if not ContentType.objects.exists():
        # A serialized-rollback test's closing flush skips post_migrate, which leaves the content
        # types empty until the next such test restores them; this process's cache still holds
        # their ids, and an audit entry pointing at one fails its foreign key at COMMIT.
        ContentType.objects.clear_cache()
        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0)
    if Pillar.objects.count() != 5:
        importlib.import_module("tutela.initiatives.migrations.0002_pillars").create(apps, None)
