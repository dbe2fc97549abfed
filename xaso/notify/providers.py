"""One interface for every channel's provider; the configured one per channel is `XASO_NOTIFY_PROVIDERS`.

A provider gets a delivery and answers what happened (`Outcome`): delivered (the local provider), accepted (the
gateway took it; a receipt will say delivered or failed), temporary failure (try again later: timeouts, 429, 5xx),
permanent failure (this address will never take it: 4xx, a refused recipient) or technical failure (xaso's own
configuration is wrong: no URL, no token). It never raises for a network problem.

Providers: `local` (writes `OutboxMessage`: development and tests), `http_sms` (a JSON POST to an SMS gateway),
`zalo_oa` (Zalo Official Account's message API), `email` (Django's e-mail backend, SMTP in production).
docs/decisions/0039-deliveries.md shows a production configuration of each.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from .models import Delivery, OutboxMessage

ACCEPTED = "accepted"
DELIVERED = "delivered"
TEMPORARY = "temporary"
PERMANENT = "permanent"
TECHNICAL = "technical"

#: HTTP answers a later try may change
RETRYABLE_HTTP = {408, 425, 429}


@dataclass
class Outcome:
    result: str
    reference: str = ""
    error: str = ""
    retry_after: int | None = None


class Provider:
    """Send one delivery; subclasses read their options from the channel's configuration."""

    def __init__(self, **options) -> None:
        self.options = options

    def send(self, delivery: Delivery) -> Outcome:  # pragma: no cover - interface
        raise NotImplementedError


class LocalProvider(Provider):
    """Writes the message to the outbox table and reports it delivered. A delivery goes in at most once."""

    def send(self, delivery: Delivery) -> Outcome:
        try:
            with transaction.atomic():
                row = OutboxMessage.objects.create(
                    channel=delivery.channel,
                    address=delivery.address,
                    subject=delivery.subject,
                    body=delivery.body,
                    delivery_key=delivery.key,
                )
        except IntegrityError:
            return Outcome(TECHNICAL, error="already in the outbox")
        return Outcome(DELIVERED, reference=f"local-{row.pk}")


def _http_outcome(status: int | None, error: str, retry_after: int | None = None) -> Outcome:
    if status is None:
        return Outcome(TEMPORARY, error=error, retry_after=retry_after)
    if status in RETRYABLE_HTTP or status >= 500:
        return Outcome(TEMPORARY, error=error, retry_after=retry_after)
    return Outcome(PERMANENT, error=error)


def _post_json(
    url: str, payload: dict, headers: dict[str, str], timeout: float
) -> tuple[int | None, bytes, str, int | None]:
    """(status, body, error, retry_after) of a JSON POST; a network problem is (None, b"", its text, None)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "xaso-notify/1", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the URL is configuration)
            return response.status, response.read(64 * 1024), "", None
    except urllib.error.HTTPError as exc:
        retry = exc.headers.get("Retry-After", "") if exc.headers else ""
        text = exc.read(2000).decode("utf-8", "replace")
        return exc.code, b"", f"HTTP {exc.code}: {text[:300]}", int(retry) if retry.isdigit() else None
    except (OSError, ValueError) as exc:
        return None, b"", f"{type(exc).__name__}: {exc}"[:500], None


class HttpSmsProvider(Provider):
    """A JSON POST `{"to", "text", "reference", "callback_url"}` with a bearer token; the gateway answers 2xx with
    `{"id": …}` and later calls the receipt URL (`/notify/receipts/<channel>/`)."""

    def send(self, delivery: Delivery) -> Outcome:
        url, token = self.options.get("url"), self.options.get("token")
        if not url or not token:
            return Outcome(TECHNICAL, error="XASO_NOTIFY_PROVIDERS['sms'] needs url and token")
        status, body, error, retry_after = _post_json(
            url,
            {
                "to": delivery.address,
                "text": delivery.body,
                "reference": str(delivery.key),
                "callback_url": self.options.get("callback_url", ""),
            },
            {"Authorization": f"Bearer {token}", "Idempotency-Key": str(delivery.key)},
            self.options.get("timeout", 10),
        )
        if status is not None and 200 <= status < 300:
            try:
                reference = str(json.loads(body or b"{}").get("id", ""))[:100]
            except (ValueError, AttributeError):
                reference = ""
            return Outcome(ACCEPTED, reference=reference or str(delivery.key))
        return _http_outcome(status, error, retry_after)


class ZaloOaProvider(Provider):
    """Zalo OA's consultation message API (`access_token` header, `{"recipient": {"user_id"}, "message": {"text"}}`);
    Zalo answers HTTP 200 with `error` 0 on success, a negative code otherwise."""

    URL = "https://openapi.zalo.me/v3.0/oa/message/cs"
    #: Zalo error codes a later try may change (rate limit, server busy)
    RETRYABLE = {-32, -124, -201}

    def send(self, delivery: Delivery) -> Outcome:
        token = self.options.get("access_token")
        if not token:
            return Outcome(TECHNICAL, error="XASO_NOTIFY_PROVIDERS['zalo'] needs access_token")
        status, body, error, retry_after = _post_json(
            self.options.get("url", self.URL),
            {"recipient": {"user_id": delivery.address}, "message": {"text": delivery.body}},
            {"access_token": token},
            self.options.get("timeout", 10),
        )
        if status != 200:
            return _http_outcome(status, error, retry_after)
        try:
            answer = json.loads(body)
        except ValueError:
            return Outcome(TEMPORARY, error="Zalo: not JSON")
        code = answer.get("error", 0)
        if code == 0:
            return Outcome(DELIVERED, reference=str(answer.get("data", {}).get("message_id", ""))[:100])
        message = f"Zalo {code}: {answer.get('message', '')}"[:500]
        return Outcome(TEMPORARY if code in self.RETRYABLE else PERMANENT, error=message)


class EmailProvider(Provider):
    """Django's e-mail backend (`EMAIL_BACKEND`, `EMAIL_HOST`…): SMTP in production."""

    def send(self, delivery: Delivery) -> Outcome:
        message = EmailMessage(
            subject=delivery.subject or delivery.body[:60],
            body=delivery.body,
            from_email=self.options.get("from_email") or settings.DEFAULT_FROM_EMAIL,
            to=[delivery.address],
            headers={"Message-ID": f"<{delivery.key}@xaso>"},
        )
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            return Outcome(PERMANENT, error=str(exc)[:500])
        except (smtplib.SMTPException, OSError) as exc:
            return Outcome(TEMPORARY, error=f"{type(exc).__name__}: {exc}"[:500])
        return Outcome(DELIVERED, reference=str(delivery.key))


class PublicPageProvider(Provider):
    """The commune's public page: the announcement is on it once sent (the page lists sent announcements)."""

    def send(self, delivery: Delivery) -> Outcome:
        return Outcome(DELIVERED, reference=f"web-{delivery.announcement_id or delivery.pk}")


class PlaylistProvider(Provider):
    """The loudspeakers: the bulletin is on its cluster's playlist, which the controller reads; the controller's
    receipt (`/notify/receipts/loudspeaker/`, reference = the delivery's key) says it was played."""

    def send(self, delivery: Delivery) -> Outcome:
        return Outcome(ACCEPTED, reference=str(delivery.key))


#: the provider of a channel that has none configured
DEFAULT_BACKENDS = {"web": "web", "loudspeaker": "playlist"}

BACKENDS = {
    "web": PublicPageProvider,
    "playlist": PlaylistProvider,
    "local": LocalProvider,
    "http_sms": HttpSmsProvider,
    "zalo_oa": ZaloOaProvider,
    "email": EmailProvider,
}


def provider_for(channel: str) -> Provider:
    """The configured provider of a channel (`XASO_NOTIFY_PROVIDERS[channel]`, `local` when not configured)."""
    options = dict(settings.XASO_NOTIFY_PROVIDERS.get(channel) or {})
    backend = options.pop("backend", DEFAULT_BACKENDS.get(channel, "local"))
    cls = BACKENDS.get(backend) or import_string(backend)
    return cls(**options)
