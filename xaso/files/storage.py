"""Where private files live: `XASO_PRIVATE_ROOT`, outside every URL the web server or Django serves publicly.

A stored name is random (`plans/evidence/2026/12/<32 random characters>.pdf`), so knowing one file's name tells
nothing about another's; the name the official gave the file is kept on the row, only as the download name.
Files are read only through `xaso.files.views.private_file`, which checks the reader's rights.
"""

from __future__ import annotations

import os
import secrets
from datetime import date

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """A file-system storage whose root follows the `XASO_PRIVATE_ROOT` setting (tests point it elsewhere)."""

    def __init__(self) -> None:
        super().__init__(location=None, base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        return settings.XASO_PRIVATE_ROOT

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @cached_property
    def base_url(self):  # type: ignore[override]
        return None

    def url(self, name):
        """There is no public address: links go through the model field's `url` (the checking view)."""
        raise ValueError("A private file has no public URL; use the field's url (the checking view).")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of every private file field (a callable, so migrations do not record a path)."""
    return _storage


@deconstructible
class RandomName:
    """`upload_to` for private files: `<folder>/<year>/<month>/<random>.<extension of the checked type>`."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        ext = os.path.splitext(filename)[1].lower()
        today = date.today()
        return f"{self.folder}/{today:%Y}/{today:%m}/{secrets.token_urlsafe(24)}{ext}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)
