"""allauth's forms in the site's words: plain labels that say what to type, no placeholders."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import (
    LoginForm,
    ReauthenticateForm,
    ResetPasswordForm,
    ResetPasswordKeyForm,
)
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms


def plain(form: forms.Form, labels: dict[str, str], *, numeric: str = "") -> None:
    """Our labels, no colon, no placeholder, no help text (each page says what it needs)."""
    form.label_suffix = ""
    for name, label in labels.items():
        form.fields[name].label = label
        form.fields[name].help_text = ""
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)
    if numeric:
        form.fields[numeric].widget.attrs["inputmode"] = "numeric"


class SignInForm(LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("remember", None)
        plain(self, {"login": "Username or email", "password": "Password"})


class ConfirmPasswordForm(ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self, {"password": "Password"})


class RequestResetForm(ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self, {"email": "Email"})


class ChoosePasswordForm(ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self, {"password1": "New password", "password2": "The same again"})


class CodeForm(AuthenticateForm):
    """The code asked for at sign-in: from the app, or one of the recovery codes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = "Code from your authenticator app, or a recovery code"
        plain(self, {"code": label}, numeric="code")


class ActivateAppForm(ActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self, {"code": "The 6-digit code your app shows now"}, numeric="code")
