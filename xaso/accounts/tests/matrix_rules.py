"""The rule table of the permission matrix: who reads, writes and approves which scope, and what each refusal
answers. Written from the rules (docs/security.md, docs/decisions/0007-absorbed-units.md), never from the code."""

from __future__ import annotations

from dataclasses import dataclass

from .matrix_world import SCOPES

# --- the rule table ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rights:
    read: frozenset[str]
    write: frozenset[str]
    approve: frozenset[str]
    signed_in: bool = True


NONE: frozenset[str] = frozenset()
ALL = frozenset({*SCOPES, "na"})
#: "av" Xã An Viễn, "ta" Xã Trị An (Đồng Nai), "nd" the old Xã Nga Điền that "na" Xã Nga An absorbed (read, never
#: written by Nga An)
RIGHTS = {
    "anonymous": Rights(NONE, NONE, NONE, signed_in=False),
    "no_unit": Rights(NONE, NONE, NONE),
    "officer": Rights(frozenset({"av"}), frozenset({"av"}), NONE),
    "leader": Rights(frozenset({"av"}), frozenset({"av"}), frozenset({"av"})),
    "neighbour": Rights(frozenset({"ta"}), frozenset({"ta"}), NONE),
    "far_officer": Rights(NONE, NONE, NONE),
    "analyst": Rights(frozenset({"av", "ta"}), NONE, NONE),
    "admin": Rights(ALL, ALL, ALL),
    "absorber": Rights(frozenset({"nd", "na"}), frozenset({"na"}), NONE),
}
#: the only actor who sees the report job of the world: the one who asked for it
JOB_OWNER = "officer"


def verdict(actor: str, scope: str, *, need: str = "write", locked: bool = False, refused: bool = False) -> str:
    """The first refusal that applies, in the order the user meets them; "ok" when none does."""
    rights = RIGHTS[actor]
    if not rights.signed_in:
        return "anonymous"
    if scope not in rights.read:
        return "hidden"
    if need == "read":
        return "ok"
    if scope not in (rights.approve if need == "approve" else rights.write):
        return "forbidden"
    if locked:
        return "locked"  # an approved plan is read-only
    if refused:
        return "refused"  # a move to another plan, a link to another plan's target: never done
    return "ok"


#: the status each verdict gives, by kind of request
STATUS = {
    "api_read": {"ok": 200, "hidden": 404, "anonymous": 401},
    "api_write": {"ok": 200, "locked": 400, "refused": 400, "forbidden": 403, "hidden": 404, "anonymous": 401},
    "api_delete": {"ok": 204, "locked": 400, "forbidden": 403, "hidden": 404, "anonymous": 401},
    "api_action": {"ok": 200, "forbidden": 403, "hidden": 404, "anonymous": 401},
    "api_new_version": {"ok": 201, "forbidden": 403, "hidden": 404, "anonymous": 401},
    # the parent is named in the body: one the user cannot read reads as one that does not exist
    "api_create_in": {"ok": 201, "locked": 400, "forbidden": 403, "hidden": 400, "anonymous": 401},
    # units are named by their public official codes: out of scope is 403, as the indicators API always said
    "api_unit_read": {"ok": 200, "hidden": 403, "anonymous": 401},
    "api_unit_write": {"ok": 201, "forbidden": 403, "hidden": 403, "anonymous": 401},
    "api_values_write": {"ok": 200, "forbidden": 400, "hidden": 400, "anonymous": 401},  # row errors, nothing saved
    "api_job": {"ok": 202, "hidden": 403, "anonymous": 401},
    "ui_read": {"ok": 200, "hidden": 404, "anonymous": 302},
    "ui_write": {"ok": 302, "locked": 200, "forbidden": 403, "hidden": 404, "anonymous": 302},
    # a row posted under another plan's address is not found there
    "ui_move": {"refused": 404, "forbidden": 403, "hidden": 404, "anonymous": 302},
    # the unit picker offers only the units the user may use: anything else is a form error
    "ui_pick_unit": {"ok": 302, "forbidden": 200, "hidden": 200, "anonymous": 302},
}
