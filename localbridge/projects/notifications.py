"""E-mail about overdue milestones, sent by the background task (tasks.py) and the `projects_check_overdue`
command: a milestone past its planned date (in the municipality's time zone) without being done is announced once —
`Milestone.overdue_notified_on` remembers it — to the owner's active members and the staff of the municipality's
administration: one plain-text, translated message per person and project, listing its newly overdue milestones.

A milestone is claimed by a conditional update before the messages go, so two runs at once never announce it
twice; when the mail server fails, the claim is released and the next run tries again."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from localbridge.organizations.models import Membership, MembershipRole, OrganizationKind, municipality_today

from .models import Milestone, Project
from .rules import MEMBER_ROLES
from .selectors import overdue_milestones

logger = logging.getLogger(__name__)


def _project_url(project: Project) -> str:
    try:
        path = reverse("projects:detail", args=[project.pk])
    except NoReverseMatch:  # the projects pages are not mounted (yet): the message goes without a link
        return ""
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/") + path


def recipients(project: Project) -> list[str]:
    """The e-mail addresses of the owner's active members and the municipality's administration staff (active
    users with an address, once each)."""
    memberships = Membership.objects.filter(is_active=True, user__is_active=True).select_related("user")
    owners = memberships.filter(organization_id=project.owner_id, role__in=MEMBER_ROLES)
    staff = memberships.filter(
        role=MembershipRole.STAFF,
        organization__kind=OrganizationKind.ADMINISTRATION,
        organization__municipality_id=project.municipality_id,
    )
    emails: list[str] = []
    for membership in [*owners.order_by("pk"), *staff.order_by("pk")]:
        email = membership.user.email
        if email and email not in emails:
            emails.append(email)
    return emails


def _message(project: Project, milestones: list[Milestone], today_text: str) -> tuple[str, str]:
    subject = _("Overdue milestones: %(project)s") % {"project": project.title}
    lines = [
        _("These milestones of the project “%(project)s” (%(owner)s) are past their planned date and not done:")
        % {"project": project.title, "owner": project.owner.name},
        "",
    ]
    for milestone in milestones:
        lines.append(
            _("— %(title)s: planned for %(date)s, %(percent)s per cent done")
            % {"title": milestone.title, "date": milestone.planned_date.isoformat(), "percent": milestone.percent_done}
        )
    lines += ["", _("Checked on %(date)s.") % {"date": today_text}]
    url = _project_url(project)
    if url:
        lines += ["", _("The project's page: %(url)s") % {"url": url}]
    return " ".join(subject.split()), "\n".join(lines) + "\n"


def send_overdue_notices(*, now: datetime | None = None) -> int:
    """Announce every overdue milestone not announced yet; returns how many milestones were announced."""
    now = now or timezone.now()
    by_project: dict[int, list[Milestone]] = defaultdict(list)
    projects: dict[int, Project] = {}
    for milestone in overdue_milestones(now):
        if milestone.overdue_notified_on is not None:
            continue
        by_project[milestone.project_id].append(milestone)
        projects[milestone.project_id] = milestone.project
    announced = 0
    for project_id, milestones in by_project.items():
        project = projects[project_id]
        today = municipality_today(project.municipality, now)
        claimed = [
            m
            for m in milestones
            if Milestone.objects.filter(pk=m.pk, overdue_notified_on__isnull=True).update(overdue_notified_on=today)
        ]
        if not claimed:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _message(project, claimed, today.isoformat())
        messages = [EmailMessage(subject, body, to=[email]) for email in recipients(project)]
        try:
            if messages:
                get_connection().send_messages(messages)
        except Exception:  # the mail server failed: release the claim, the next run tries again
            logger.exception("Could not send the overdue-milestone notice of project %s", project_id)
            Milestone.objects.filter(pk__in=[m.pk for m in claimed], overdue_notified_on=today).update(
                overdue_notified_on=None
            )
            continue
        announced += len(claimed)
    return announced
