"""The person's own pages: profile, API tokens, and their data (download and deletion)."""

import json

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from localbridge.core.pagination import paginate

from . import selectors, services
from .forms import AccountDeleteForm, ProfileForm, TokenCreateForm
from .models import User


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@never_cache
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "person": user})


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the person's tokens and make a new one. The new token's secret is shown in this response only:
    it is never stored, so the page is not cached and not redirected to."""
    user = _me(request)
    form = TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(user=user, actor=user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            new_token = {"token": token, "secret": secret}
            form = TokenCreateForm()
    page = paginate(request, selectors.tokens_of(user=user))
    return render(request, "accounts/tokens.html", {"form": form, "page": page, "new_token": new_token})


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _me(request)
    token = selectors.token_get_for(user=user, token_id=token_id)
    services.token_revoke(token=token, actor=user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@never_cache
@login_required
def data(request: HttpRequest) -> HttpResponse:
    """The page to download one's data and to delete one's account."""
    return render(request, "accounts/data.html", {"delete_form": AccountDeleteForm()})


@never_cache
@require_POST
@login_required
def data_download(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    payload = services.account_export_data(user=user, actor=user)
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"localbridge-account-{user.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_POST
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = AccountDeleteForm(request.POST)
    if form.is_valid():
        # The password is checked here, so guessing it through this form is rate-limited like re-authentication.
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            form.add_error("password", _("Too many attempts. Try again in a minute."))
        else:
            try:
                services.account_delete(user=user, actor=user, password=form.cleaned_data["password"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                logout(request)
                messages.success(request, _("Your account and your data have been deleted."))
                return redirect("site:home")
    return render(request, "accounts/data.html", {"delete_form": form})
