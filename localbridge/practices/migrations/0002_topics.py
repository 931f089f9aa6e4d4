"""The curated topic taxonomy of the practice bank, as the best-practice bank issue lists it (Russian names as
written there, capitalised). Moderators edit topics afterwards; codes are stable (URLs, imports, facets)."""

from django.db import migrations

TOPICS = [
    ("landscaping", "Благоустройство", "Landscaping and public spaces"),
    ("culture", "Культура и досуг", "Culture and leisure"),
    ("sport", "Спорт", "Sport"),
    ("youth", "Молодёжь", "Youth"),
    ("older_people", "Старшее поколение", "Older people"),
    ("memory", "Память и патриотическое воспитание", "Remembrance and patriotic education"),
    ("safety", "Профилактика правонарушений и безопасность", "Crime prevention and safety"),
    ("charity", "Благотворительность и социальная поддержка", "Charity and social support"),
    ("ecology", "Экология", "Environment"),
    ("housing", "ЖКХ", "Housing and utilities"),
    ("education", "Образование и просвещение", "Education and outreach"),
    ("health", "Здоровье", "Health"),
    ("tourism", "Туризм", "Tourism"),
    ("local_economy", "Местная экономика", "Local economy"),
    ("interethnic", "Межнациональное согласие", "Interethnic harmony"),
    ("international", "Международное сотрудничество и побратимство", "International cooperation and twinning"),
    ("cross_border", "Приграничное сотрудничество", "Cross-border cooperation"),
    ("volunteering", "Волонтёрство", "Volunteering"),
]


def create_topics(apps, schema_editor):
    Topic = apps.get_model("practices", "Topic")
    for position, (code, name_ru, name_en) in enumerate(TOPICS, start=1):
        # get_or_create: a topic a moderator already edited is left as it is.
        Topic.objects.get_or_create(
            code=code, defaults={"name_ru": name_ru, "name_en": name_en, "position": position * 10}
        )


def remove_topics(apps, schema_editor):
    Topic = apps.get_model("practices", "Topic")
    Topic.objects.filter(code__in=[code for code, _ru, _en in TOPICS], practices__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(create_topics, remove_topics)]
