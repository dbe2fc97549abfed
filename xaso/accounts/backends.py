"""The signed-in user, loaded with their unit in the one query every request makes for the user.

Every page shows the user's unit in its header and checks the unit scope against it (`can_read_unit`), so
`user.unit` is read on nearly every request: a join here spares a second query each time."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserWithUnitBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
