"""The areas of cooperation the founding resolutions name, in Russian and English. Editable afterwards (admin)."""

from django.db import migrations

AREAS = [
    ("culture", "Культура", "Culture"),
    ("education", "Образование", "Education"),
    ("youth", "Молодёжная политика", "Youth"),
    ("sport", "Спорт", "Sport"),
    ("economy", "Экономика и торговля", "Economy and trade"),
    ("tourism", "Туризм", "Tourism"),
    ("healthcare", "Здравоохранение", "Healthcare"),
    ("management", "Муниципальное управление", "Municipal management"),
    ("ecology", "Экология", "Ecology"),
    ("humanitarian", "Гуманитарные проекты", "Humanitarian projects"),
]


def seed(apps, schema_editor):
    Area = apps.get_model("cooperation", "CooperationArea")
    for position, (code, name_ru, name_en) in enumerate(AREAS, start=1):
        Area.objects.get_or_create(code=code, defaults={"name_ru": name_ru, "name_en": name_en, "position": position})


def unseed(apps, schema_editor):
    apps.get_model("cooperation", "CooperationArea").objects.filter(code__in=[a[0] for a in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
