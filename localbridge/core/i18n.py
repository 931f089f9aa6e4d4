from django.db import models
from django.utils.translation import get_language


class LocalizedNameMixin(models.Model):
    """`name_ru` and `name_en` columns; `.name` is the one for the active language, Russian as fallback."""

    name_ru = models.CharField(max_length=255)
    name_en = models.CharField(max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        if (get_language() or "ru").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ru

    def __str__(self) -> str:
        return self.name
