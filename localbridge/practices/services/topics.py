"""The curated topic taxonomy, edited by moderators."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from localbridge.core.audit import audit_record
from localbridge.core.events import emit
from localbridge.practices.events import (
    TopicChanged,
)
from localbridge.practices.models import (
    Topic,
)

from .common import (
    _actor_id,
    _Errors,
    _lock,
    _one_line,
    _require,
)

TOPIC_FIELDS = ("name_ru", "name_en", "position", "is_active")


# --- topics ---------------------------------------------------------------------------------------------


def _clean_topic(topic: Topic, values: Mapping[str, Any], *, exclude: Sequence[str] = ()) -> None:
    for field in TOPIC_FIELDS:
        if field in values:
            value = values[field]
            setattr(topic, field, _one_line(value) if field in ("name_ru", "name_en") else value)
    errors = _Errors()
    if not topic.code:
        errors.add("code", _("Give the topic a code (Latin letters, digits, “_” or “-”)."), "required")
        exclude = [*exclude, "code"]
    if not topic.name_ru:
        errors.add("name_ru", _("Give the topic's name in Russian."), "required")
    try:
        topic.full_clean(exclude=["name_ru", *exclude])
    except ValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()


@transaction.atomic
def topic_create(
    *,
    actor: Any,
    code: str,
    name_ru: str,
    name_en: str = "",
    position: int | None = None,
    is_active: bool = True,
    now: datetime | None = None,
) -> Topic:
    """A moderator adds a topic to the taxonomy (at the end unless a position is given). The code is stable."""
    now = now or timezone.now()
    _require(actor, "practices.manage_topics")
    if position is None:
        last = Topic.objects.aggregate(last=Max("position"))["last"]
        position = (last or 0) + 10
    topic = Topic(code=(code or "").strip().lower(), created_at=now)
    _clean_topic(topic, {"name_ru": name_ru, "name_en": name_en, "position": position, "is_active": is_active})
    topic.save()
    audit_record(obj=topic, action="create", actor=actor, data={"code": topic.code}, now=now)
    emit(TopicChanged(topic.pk, "create", _actor_id(actor)))
    return topic


@transaction.atomic
def topic_update(*, topic: Topic, actor: Any, now: datetime | None = None, **changes: Any) -> Topic:
    """A moderator renames, moves, retires (is_active=False) or restores a topic. The code never changes."""
    now = now or timezone.now()
    unknown = set(changes) - set(TOPIC_FIELDS)
    if unknown:
        raise TypeError(f"Unknown topic fields: {sorted(unknown)}")
    _require(actor, "practices.manage_topics")
    _lock(topic)
    _clean_topic(topic, changes, exclude=["code"])
    topic.save()
    audit_record(obj=topic, action="update", actor=actor, data={"fields": sorted(changes)}, now=now)
    emit(TopicChanged(topic.pk, "update", _actor_id(actor)))
    return topic
