"""The permission matrix: every actor × object × verb, through the API and the screens (issue 9, class 1).

What each cell should answer comes from the rule table in `matrix_rules.py` (who reads, writes and approves which
scope), never from the code under test. A cell fails when its status differs, when a refused request changed anything
in the database, or when an allowed write did not make its change. Each test method is one verb on one channel; it
runs all of its cells (each in a savepoint rolled back afterwards) and lists every failing cell. The world is built
once per class (`matrix_world.py`); the cells of each verb come from `matrix_api.py` and `matrix_ui.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.test import Client, TestCase
from rest_framework.test import APIClient

from .matrix_api import API_VERBS
from .matrix_cells import Cell
from .matrix_rules import STATUS
from .matrix_ui import UI_VERBS
from .matrix_world import ACTORS, World, build_world, fingerprint


def _ids(response, cell: Cell) -> set:
    context = getattr(response, "context", None)
    if context is not None and "plans" in context:
        return {p.pk for p in context["plans"]}
    return {row["id"] for row in response.json()["results"]}


class PermissionMatrix(TestCase):
    world: World

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world()

    def client_for(self, actor: str, *, api: bool):
        user = self.world.users[actor]
        if api:
            client = APIClient()
            if user is not None:
                client.force_authenticate(user)
            return client
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    def run_cells(self, channel: str, verb: str, make: Callable[[str], list[Cell]]) -> None:
        failures: list[str] = []
        count = 0
        for actor in ACTORS:
            client = self.client_for(actor, api=channel == "api")
            for cell in make(actor):
                count += 1
                problem = self.run_cell(cell, client)
                if problem:
                    failures.append(f"{channel} {verb} [{cell.label}] as {actor}: {problem}")
        self.assertGreater(count, 0)
        self.assertFalse(failures, "\n" + "\n".join(failures))

    def run_cell(self, cell: Cell, client) -> str:
        world = self.world
        expected = STATUS[cell.kind][cell.verdict]
        with transaction.atomic():
            if cell.prepare is not None:
                cell.prepare(world)
            before = fingerprint()
            response = cell.send(world, client)
            after = fingerprint()
            problem = ""
            if response.status_code != expected:
                problem = f"expected {expected} ({cell.verdict}), got {response.status_code}"
            elif cell.expected_ids is not None and cell.verdict == "ok":
                seen, wanted = _ids(response, cell), cell.expected_ids(world)
                if seen != wanted:
                    problem = f"sees {sorted(seen - wanted)} it should not, misses {sorted(wanted - seen)}"
            elif cell.writes and cell.verdict == "ok":
                if after == before:
                    problem = "allowed, but the database did not change"
                elif cell.effect is not None and not cell.effect(world):
                    problem = "allowed, but the intended change is not there"
            elif after != before:
                problem = f"{cell.verdict} ({response.status_code}), but the database changed"
            transaction.set_rollback(True)
        return problem


def _add_tests(channel: str, verbs: dict[str, Callable[[str], list[Cell]]]) -> None:
    for verb, make in verbs.items():

        def test(self, verb=verb, make=make):
            self.run_cells(channel, verb, make)

        test.__name__ = f"test_{channel}_{verb}"
        test.__doc__ = f"{channel.upper()} {verb.replace('_', ' ')}: every actor on every object it applies to."
        setattr(PermissionMatrix, test.__name__, test)


_add_tests("api", API_VERBS)
_add_tests("ui", UI_VERBS)
