"""The demo commune's dossier register (sample data), built so that it counts exactly the demo's monthly figures.

`xaso/demo/data/dossiers.yaml` states, per month, the counts the register must give (the demo's sample figures
for An Viễn); `demo_dossiers_load` makes one dossier per count — code, procedure, channel, dates, result,
digitisation, fee — with a fixed seed, and saves them through `xaso.registers.services.rows_import`, the path of a
file import: the figures are then computed from the register (source "Tính từ sổ theo dõi") and the operations
centre drills down to the dossiers. Dossiers still open at the end of a month are resolved early the next month
(late or on time as the month's counts require); the last month's stay open. Loading again changes nothing.
"""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta
from pathlib import Path

import yaml

from xaso.geo.models import AdminUnit
from xaso.registers.services import rows_import

from .models import OnlineLevel, Procedure
from .register import DOSSIERS
from .services import procedures_load

DEMO_DOSSIERS_PATH = Path(__file__).resolve().parent.parent / "demo" / "data" / "dossiers.yaml"
_COLUMNS = {f.key: str(f.label) for f in DOSSIERS.fields}


def _month_start(code: str) -> date:
    year, month = code.split("-")
    return date(int(year), int(month), 1)


def demo_dossier_rows(path: Path = DEMO_DOSSIERS_PATH) -> tuple[str, list[dict]]:
    """(commune code, rows as `Register.rows_save` takes them) for the demo register."""
    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    by_level: dict[str, list[str]] = {level: [] for level in OnlineLevel.values}
    for code, level in Procedure.objects.filter(is_active=True).order_by("code").values_list("code", "online_level"):
        by_level[level].append(code)
    offered = by_level[OnlineLevel.FULL] + by_level[OnlineLevel.PARTIAL]
    officers = spec["officers"]
    rows: list[dict] = []
    carry: list[dict] = []
    months = sorted(spec["months"].items())
    for index, (code, counts) in enumerate(months):
        start = _month_start(str(code))
        rng = random.Random(f"{spec['seed']}-{code}")
        month_rows, carry = _month(start, counts, carry, rng, by_level, offered, officers, spec,
                                   last=index == len(months) - 1)  # fmt: skip
        rows.extend(month_rows)
    for number, row in enumerate(rows, start=1):
        row["_row"] = number
    return str(spec["unit"]), rows


def _pick(rng: random.Random, rows: list[dict], count: int) -> list[dict]:
    return rng.sample(rows, count) if count else []


def _month(start, counts, carry, rng, by_level, offered, officers, spec, *, last: bool):
    days = calendar.monthrange(start.year, start.month)[1]
    end = start + timedelta(days=days - 1)
    total, online, in_person = (counts[k] for k in ("dossiers_received_total", "dossiers_online", "dossiers_in_person"))
    rows = [
        {
            "code": f"H26.296-{start:%y%m}-{n:04d}",
            "received_on": start + timedelta(days=(n - 1) * days // total),
            "receiving_officer": officers[n % len(officers)],
            "result": "pending",
        }
        for n in range(1, total + 1)
    ]
    shuffled = rows[:]
    rng.shuffle(shuffled)
    for position, row in enumerate(shuffled):
        row["channel"] = "online" if position < online else "in_person" if position < online + in_person else "post"
    online_rows = [r for r in rows if r["channel"] == "online"]
    full = round(online * spec["full_online_share"])
    for position, row in enumerate(online_rows):
        level = OnlineLevel.FULL if position < full else OnlineLevel.PARTIAL
        row["procedure_code"] = rng.choice(by_level[level])
    others = [r for r in rows if r["channel"] != "online"]
    rng.shuffle(others)
    eligible = counts["dossiers_online_eligible"] - online
    for position, row in enumerate(others):
        row["procedure_code"] = rng.choice(offered if position < eligible else by_level[OnlineLevel.NONE])
    for row in _pick(rng, rows, counts["dossiers_digitised"]):
        row["components_digitised"] = True
    reused = _pick(rng, rows, counts["dossiers_reused_data"])
    for row in reused:
        row["reused"] = row["reusable"] = True
    for row in _pick(rng, [r for r in rows if not r.get("reused")], counts["dossiers_reuse_eligible"] - len(reused)):
        row["reusable"] = True
    with_fee = _pick(rng, rows, counts["fee_payments_total"])
    for position, row in enumerate(with_fee):
        row["fee"] = "online" if position < counts["fee_payments_cashless"] else "cash"
    # resolved this month: what the last month left open first, then this month's earliest dossiers
    resolved_count, on_time = counts["dossiers_resolved"], counts["dossiers_resolved_on_time"]
    mine = resolved_count - len(carry)
    if mine < 0 or mine > total:
        raise ValueError(f"{start:%Y-%m}: {resolved_count} resolved cannot follow {len(carry)} left open")
    resolved = carry + rows[:mine]
    late = set(map(id, carry[: resolved_count - on_time]))
    early = [r for r in rows[:mine] if r["received_on"] <= end - timedelta(days=5)]
    late |= set(map(id, early[: max(0, resolved_count - on_time - len(carry))]))
    for position, row in enumerate(resolved):
        received = row["received_on"]
        if received < start:  # left open last month: finished in the first days of this one
            finished = start + timedelta(days=position % 5)
        else:
            finished = min(received + timedelta(days=3 if id(row) in late else 1 + position % 2), end)
        row["finished_on"] = finished
        row["result"] = "refused" if position % 97 == 0 else "approved"
        if id(row) in late:
            row["due_on"] = max(received, finished - timedelta(days=1 + position % 2))
            row["apology_sent"] = True
        else:
            row["due_on"] = finished + timedelta(days=position % 4)
    for row in _pick(rng, resolved, counts["dossier_results_digitised"]):
        row["result_digitised"] = True
    still_open = rows[mine:]
    for row in still_open[: spec["withdrawn_per_month"]]:
        row["result"] = "withdrawn"
        row["due_on"] = row["received_on"] + timedelta(days=5)
    carry_out = still_open[spec["withdrawn_per_month"] :]
    for row in carry_out:
        row["due_on"] = row["received_on"] + timedelta(days=7)
    return rows, ([] if last else carry_out)


def demo_dossiers_load(*, user, path: Path = DEMO_DOSSIERS_PATH):
    """Save the demo register through the import path (figures from the register); None without the file."""
    if not Path(path).exists():
        return None
    procedures_load()  # the shipped list (a migration loads it; a flushed test database has lost it)
    code, rows = demo_dossier_rows(path)
    unit = AdminUnit.objects.get(code=code)
    return rows_import(user=user, unit=unit, register=DOSSIERS, rows=rows, columns=_COLUMNS)
