"""The starting catalogue of indicator definitions (indicators/catalogue.py): computed, entered and imported ones.
Operators may edit them afterwards; seeding again creates only the missing ones."""

from django.db import migrations

from localbridge.indicators.catalogue import DEFINITIONS, seed_definitions


def seed(apps, schema_editor):
    seed_definitions(apps.get_model("indicators", "IndicatorDefinition"))


def unseed(apps, schema_editor):
    Definition = apps.get_model("indicators", "IndicatorDefinition")
    Definition.objects.filter(code__in=[d["code"] for d in DEFINITIONS], values__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
