from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds: the name others will see."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)

    def signup(self, request: object, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "birth_year", "about"]
