"""Writes of the notifications that are not deliveries themselves: unsubscribing."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from .deliveries import address_digest
from .models import Unsubscription

UNSUBSCRIBE_SALT = "xaso.notify.unsubscribe"


def unsubscribe_link(*, channel: str, address: str) -> str:
    token = signing.dumps([channel, address], salt=UNSUBSCRIBE_SALT, compress=True)
    return settings.XASO_PUBLIC_BASE_URL.rstrip("/") + reverse("notify:unsubscribe", kwargs={"token": token})


def unsubscribe(*, channel: str, address: str) -> None:
    """Record that an address refuses a channel (idempotent): no delivery is created for it again."""
    try:
        with transaction.atomic():
            Unsubscription.objects.create(channel=channel, address_digest=address_digest(channel, address))
    except IntegrityError:
        pass
