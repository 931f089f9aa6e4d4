from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import birth_year_range


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds: the name others will see."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("Other people on the platform see you by this name, never by your e-mail address."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."), code="required")
        return name

    def signup(self, request: object, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class ProfileForm(forms.Form):
    """Input for accounts.services.profile_update, which checks the rules (name, phone, year of birth)."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("Optional. Seen only by you and platform administrators."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        help_text=_("Optional. Seen only by you and platform administrators."),
    )
    about = forms.CharField(
        label=_("About me"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        earliest, latest = birth_year_range()
        self.fields["birth_year"].widget.attrs.update({"min": earliest, "max": latest, "autocomplete": "bday-year"})

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return {field: getattr(user, field) for field in ("full_name", "phone", "birth_year", "about")}


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the program or script that will use it."),
    )


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my memberships will be deleted for good."),
        required=True,
    )
