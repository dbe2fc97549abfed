"""`PrivateFileField`: a FileField in the private storage, under a random name, whose `url` is the checking view."""

from __future__ import annotations

from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from .storage import RandomName, private_storage


class PrivateFieldFile(FieldFile):
    @property
    def url(self) -> str:
        """The download view for this row's file; the storage itself has no public address."""
        self._require_file()
        from .registry import kind_for

        return reverse(
            "files:download", kwargs={"kind": kind_for(self.instance, self.field.name), "pk": self.instance.pk}
        )


class PrivateFileField(models.FileField):
    attr_class = PrivateFieldFile

    def __init__(self, *args, folder: str = "", **kwargs) -> None:
        if folder:
            kwargs.setdefault("upload_to", RandomName(folder))
        kwargs["storage"] = private_storage
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)  # always the private storage
        return name, path, args, kwargs
