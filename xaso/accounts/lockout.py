"""Failed logins: counted per account, per client address and per account+address, locked for a cool-off, logged.

django-axes records every failure of `django.contrib.auth.authenticate` (HTML login, admin login, API token) and
refuses to authenticate a locked client before any password is checked; this module gives it xaso's rules
(docs/decisions/0013-login-lockout.md):

- three rules, each with its own limit (`XASO_LOGIN_LIMITS`): one address guessing one account is stopped first,
  an account is locked everywhere only when several addresses guess it, an address is stopped when it sprays
  many accounts;
- a failure is forgotten `AXES_COOLOFF_TIME` after the latest failure of its row; a lock lasts until enough
  failures are forgotten, and the answer says when (Retry-After);
- a successful login clears that account's failures from that address only: not the account's failures from
  other addresses (someone else's guesses), not the address's failures on other accounts (an attacker holding one
  valid account must not be able to reset its address's count);
- every failure, refusal and lock-out is logged on "xaso.security" (never the password).

The username is counted as typed, whether or not such an account exists, so a lock-out says nothing about which
accounts exist.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

security_log = logging.getLogger("xaso.security")

#: the request fields each rule of `XASO_LOGIN_LIMITS` counts by (axes' lock-out parameters)
RULE_FIELDS = {"account_address": ["username", "ip_address"], "account": ["username"], "address": ["ip_address"]}


def lockout_parameters(request_or_attempt=None, credentials=None) -> list[list[str]]:
    """`AXES_LOCKOUT_PARAMETERS`: the rules of `XASO_LOGIN_LIMITS`, in its order."""
    return [RULE_FIELDS[rule] for rule in settings.XASO_LOGIN_LIMITS]


def _shown(username: str | None) -> str:
    # repr: a typed username may hold newlines or control characters meant to forge log lines
    return repr((username or "")[:150])


class LoginLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per rule, xaso's reset on success and the security log."""

    def rule_failures(self, request: HttpRequest, credentials: dict | None = None) -> dict[str, int]:
        """Counted failures per rule for this request's account and address."""
        attempts = self.get_user_attempts(request, credentials)
        return {
            rule: queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for rule, queryset in zip(settings.XASO_LOGIN_LIMITS, attempts, strict=True)
        }

    def locking_rules(self, request: HttpRequest, credentials: dict | None = None) -> list[str]:
        failures = self.rule_failures(request, credentials)
        return [rule for rule, limit in settings.XASO_LOGIN_LIMITS.items() if failures[rule] >= limit]

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The one number axes compares with `AXES_FAILURE_LIMIT`: the rule nearest its own limit, on that scale.

        axes has a single limit for all rules; shifting each rule's count by (AXES_FAILURE_LIMIT − its limit)
        makes "any rule at its limit" and "this number at AXES_FAILURE_LIMIT" the same condition.
        """
        failures = self.rule_failures(request, credentials)
        base = settings.AXES_FAILURE_LIMIT
        return max(0, *(failures[rule] - limit + base for rule, limit in settings.XASO_LOGIN_LIMITS.items()))

    def lockout_ends_at(self, request: HttpRequest, credentials: dict | None = None) -> datetime | None:
        """When the last rule now at its limit falls below it, as failures leave the cool-off window."""
        cool_off = get_cool_off(request)
        ends = []
        attempts = self.get_user_attempts(request, credentials)
        for limit, queryset in zip(settings.XASO_LOGIN_LIMITS.values(), attempts, strict=True):
            counted = 0
            for attempt_time, failures in queryset.order_by("-attempt_time").values_list(
                "attempt_time", "failures_since_start"
            ):
                counted += failures
                if counted >= limit:  # this row is the one keeping the rule at its limit
                    ends.append(attempt_time + cool_off)
                    break
        return max(ends, default=None)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        refused = bool(request.axes_locked_out)  # set by the backend: already locked, password not checked
        super().user_login_failed(sender, credentials, request, **kwargs)
        fields = (_shown(get_client_username(request, credentials)), request.axes_ip_address, request.axes_path_info)
        if refused:
            security_log.warning("login refused while locked out: username=%s address=%s path=%s", *fields)
        elif request.axes_locked_out:
            rules = ",".join(self.locking_rules(request, credentials))
            security_log.warning(
                "login locked out: username=%s address=%s path=%s rules=%s until=%s",
                *fields,
                rules,
                self.lockout_ends_at(request, credentials),
            )
        else:
            security_log.info("login failed: username=%s address=%s path=%s", *fields)
        return None

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        login_succeeded(request=request, username=user.get_username())


def login_succeeded(*, request: HttpRequest, username: str) -> int:
    """A correct password: forget this account's failures from this address. Returns how many rows went.

    Failures from other addresses stay counted: they may be someone else's guesses, and clearing them would hand
    an attacker fresh tries each time the owner signs in. Failures on other accounts from this address stay too.
    """
    AxesProxyHandler.update_request(request)
    deleted, _rows = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
    security_log.info(
        "login succeeded: username=%s address=%s path=%s cleared=%s",
        _shown(username),
        request.axes_ip_address,
        request.axes_path_info,
        deleted,
    )
    return deleted


def retry_after_seconds(request: HttpRequest, credentials: dict | None = None) -> int:
    """Whole seconds until this request's account and address may try again (at least 1 while locked)."""
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    ends = handler.lockout_ends_at(request, credentials) if isinstance(handler, LoginLockoutHandler) else None
    if ends is None:
        return int(get_cool_off(request).total_seconds())
    return max(1, math.ceil((ends - timezone.now()).total_seconds()))


def lockout_message(seconds: int) -> str:
    # the same words whichever rule locked, and whether or not the account exists
    return _(
        "Đăng nhập tạm thời bị khóa vì nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau %(minutes)s phút, "
        "hoặc nhờ quản trị viên mở khóa."
    ) % {"minutes": max(1, math.ceil(seconds / 60))}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None, credentials=None):
    """`AXES_LOCKOUT_CALLABLE`: keep the page the view rendered (the login form shows the message; the token API
    answers its own JSON error) and make it a 429 with Retry-After."""
    if isinstance(original_response, dict):  # axes' async path passes (request, credentials)
        original_response, credentials = None, original_response
    seconds = retry_after_seconds(request, credentials)
    response = original_response
    if response is None:  # a door that renders nothing of its own
        response = HttpResponse(lockout_message(seconds), content_type="text/plain; charset=utf-8")
    response.status_code = 429
    if not response.has_header("Retry-After"):
        response["Retry-After"] = str(seconds)
    return response
