"""Explicit state machines: the allowed transitions in one table, one audited move at a time.

A model with a `status` field declares a `Workflow` listing its transitions; services call `workflow.apply()`
which checks that the move is allowed from the current state, saves only the changed fields and writes an
audit row (who, when, from, to, comment). Nothing else assigns `.status`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .audit import audit_record


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label: str | Promise
    comment_required: bool = False


class Workflow:
    def __init__(self, transitions: Iterable[Transition], field: str = "status") -> None:
        self.field = field
        self.transitions = {t.name: t for t in transitions}

    def get(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise ValidationError(_("Unknown action “%(name)s”.") % {"name": name}, code="unknown_transition")

    def can(self, obj: models.Model, name: str) -> bool:
        transition = self.transitions.get(name)
        return transition is not None and getattr(obj, self.field) in transition.sources

    def available(self, obj: models.Model) -> list[Transition]:
        state = getattr(obj, self.field)
        return [t for t in self.transitions.values() if state in t.sources]

    def pairs(self) -> set[tuple[str, str]]:
        return {(source, t.target) for t in self.transitions.values() for source in t.sources}

    def apply(
        self,
        obj: models.Model,
        name: str,
        *,
        actor: Any,
        comment: str = "",
        now: datetime | None = None,
        update_fields: Iterable[str] = (),
        data: dict[str, Any] | None = None,
    ) -> None:
        transition = self.get(name)
        current = getattr(obj, self.field)
        if current not in transition.sources:
            raise ValidationError(
                _("This action is not possible in the current state (%(state)s).")
                % {"state": getattr(obj, f"get_{self.field}_display")()},
                code="invalid_transition",
            )
        comment = (comment or "").strip()
        if transition.comment_required and not comment:
            message = _("Please explain the decision.")
            raise ValidationError({"comment": ValidationError(message, code="comment_required")})
        setattr(obj, self.field, transition.target)
        fields = {self.field, *update_fields}
        if hasattr(obj, "updated_at"):
            fields.add("updated_at")
        obj.save(update_fields=sorted(fields))
        audit_record(
            obj=obj,
            action=name,
            actor=actor,
            from_status=current,
            to_status=transition.target,
            comment=comment,
            data=data,
            now=now or timezone.now(),
        )
