"""Login forms: the HTML login and the admin login say in their error area when sign-in is locked."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .lockout import lockout_message, retry_after_seconds


class LockoutMessageMixin:
    """On a failed login, name the lock-out (and when it ends) instead of "wrong password" when axes refused it."""

    request: object
    cleaned_data: dict

    def get_invalid_login_error(self):
        if getattr(self.request, "axes_locked_out", False):
            credentials = {"username": self.cleaned_data.get("username")}
            seconds = retry_after_seconds(self.request, credentials)  # type: ignore[arg-type]
            return ValidationError(lockout_message(seconds), code="locked_out")
        return super().get_invalid_login_error()  # type: ignore[misc]


class LoginForm(LockoutMessageMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
    }


class AdminLoginForm(LockoutMessageMixin, AdminAuthenticationForm):
    pass
