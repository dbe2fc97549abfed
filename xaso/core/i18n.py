"""Text stored in records and official documents is Vietnamese whatever language the user reads the site in."""

from __future__ import annotations

import functools

from django.utils import translation


def in_vietnamese(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override("vi"):
            return func(*args, **kwargs)

    return wrapper
