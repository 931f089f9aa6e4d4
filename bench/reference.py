"""A minimal set of real territories, for the bench's own quick test (the real runs use load_reference)."""

from django.db import transaction

MINIMAL = {
    ("RU-AMU", "Амурская область", "Amur Oblast"): [("Благовещенск", "Blagoveshchensk"), ("Свободный", "Svobodny")],
    ("RU-TOM", "Томская область", "Tomsk Oblast"): [("Томск", "Tomsk"), ("Северск", "Seversk")],
    ("RU-MOS", "Московская область", "Moscow Oblast"): [("Химки", "Khimki"), ("Подольск", "Podolsk")],
}


@transaction.atomic
def load_minimal_reference() -> None:
    from localbridge.territories.models import Country, Municipality, MunicipalityKind, Region

    russia, _ = Country.objects.get_or_create(
        code="RU", defaults={"code3": "RUS", "name_ru": "Россия", "name_en": "Russia"}
    )
    for (code, name_ru, name_en), towns in MINIMAL.items():
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"country": russia, "name_ru": name_ru, "name_en": name_en}
        )
        for town_ru, town_en in towns:
            Municipality.objects.get_or_create(
                region=region,
                name_ru=town_ru,
                defaults={"country": russia, "name_en": town_en, "kind": MunicipalityKind.URBAN_OKRUG},
            )
