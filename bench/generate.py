"""A synthetic province for the benchmark: communes, villages, data elements, indicators and monthly values.

The size is given by arguments (communes, villages per commune, data elements, years), so the same run
can be repeated at 10× for the national picture. Values are a pure function of (village, element, month):
the bulk load and the import sample produce the same figures without storing them.

Data elements come in pairs (denominator, numerator): the pair's indicator is numerator / denominator × 100
and a validation rule says numerator ≤ denominator, as in the real catalog (households with fibre ≤
households). Even pairs are flows summed over months (dossiers received / online), odd pairs are stocks
that take the latest month (households / households with fibre).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from xaso.accounts.models import Role, User
from xaso.core.models import Period, periods_ensure
from xaso.core.periods import month, year
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import Aggregation, Area, DataElement, DataValue, Indicator, ValidationRule

PROVINCE_CODE = "38"  # Thanh Hóa
AREAS = [Area.GOVERNMENT, Area.ECONOMY, Area.SOCIETY, Area.INFRASTRUCTURE]


@dataclass
class Province:
    """What the generator made: ids and codes the measurements need."""

    province: AdminUnit
    communes: list[AdminUnit]
    villages: dict[int, list[AdminUnit]]  # commune id → its villages
    elements: list[DataElement]  # in pair order: d00, n00, d01, n01, ...
    indicators: list[Indicator]  # one per pair
    years: list[int]
    months: list[Period]  # every month, oldest first
    year_periods: dict[int, Period]
    analyst: User
    officers: dict[int, User] = field(default_factory=dict)  # commune id → an officer of it

    @property
    def village_count(self) -> int:
        return sum(len(v) for v in self.villages.values())


def element_code(pair: int, numerator: bool) -> str:
    return f"bench_{'n' if numerator else 'd'}{pair:03d}"


def aggregation_of(pair: int) -> str:
    return Aggregation.SUM if pair % 2 == 0 else Aggregation.LAST


def value_of(village_index: int, pair: int, numerator: bool, month_index: int) -> int:
    """A deterministic whole number; the numerator never exceeds its denominator."""
    if aggregation_of(pair) == Aggregation.SUM:  # a flow: varies month to month
        den = 40 + (village_index * 37 + pair * 101 + month_index * 13) % 160
    else:  # a stock: grows slowly
        den = 150 + (village_index * 37 + pair * 101) % 600 + month_index
    if not numerator:
        return den
    return den * (20 + (village_index * 11 + pair * 7 + month_index * 3) % 75) // 100


def years_for(count: int) -> list[int]:
    """The last `count` complete calendar years (values are never entered for a future period)."""
    last = timezone.localdate().year - 1
    return list(range(last - count + 1, last + 1))


@transaction.atomic
def province_create(*, communes: int, villages: int, elements: int, years: int) -> Province:
    if elements % 2:
        raise SystemExit("--elements must be even (denominator/numerator pairs)")
    version = "bench"
    province = AdminUnit.objects.create(
        code=PROVINCE_CODE,
        official_code=PROVINCE_CODE,
        name="Tỉnh Thanh Hóa (mẫu đo hiệu năng)",
        division_type="tỉnh",
        level=Level.PROVINCE,
        path=f"/{PROVINCE_CODE}/",
        data_version=version,
        is_sample=True,
    )
    AdminUnit.objects.filter(id=province.id).update(province=F("id"))
    commune_rows = []
    for c in range(communes):
        code = f"{16000 + c:05d}"
        commune_rows.append(
            AdminUnit(
                code=code,
                official_code=code,
                name=f"Xã Mẫu {c + 1}",
                division_type="xã",
                level=Level.COMMUNE,
                parent=province,
                path=f"{province.path}{code}/",
                province=province,
                data_version=version,
                is_sample=True,
            )
        )
    AdminUnit.objects.bulk_create(commune_rows, batch_size=2000)
    AdminUnit.objects.filter(level=Level.COMMUNE, province=province).update(commune=F("id"))
    commune_list = list(AdminUnit.objects.filter(level=Level.COMMUNE, province=province).order_by("code"))
    village_rows = []
    for commune in commune_list:
        for v in range(villages):
            official = f"{v + 1:03d}"
            code = f"{commune.code}-{official}"
            village_rows.append(
                AdminUnit(
                    code=code,
                    official_code=official,
                    name=f"Thôn {v + 1}",
                    division_type="thôn",
                    level=Level.VILLAGE,
                    parent=commune,
                    path=f"{commune.path}{code}/",
                    province=province,
                    commune=commune,
                    data_version=version,
                    is_sample=True,
                )
            )
    AdminUnit.objects.bulk_create(village_rows, batch_size=5000)
    by_commune: dict[int, list[AdminUnit]] = {c.id: [] for c in commune_list}
    for village in AdminUnit.objects.filter(level=Level.VILLAGE, province=province).order_by("code"):
        by_commune[village.commune_id].append(village)

    element_rows = []
    for pair in range(elements // 2):
        for numerator in (False, True):
            element_rows.append(
                DataElement(
                    code=element_code(pair, numerator),
                    name=f"Chỉ tiêu mẫu {pair + 1} ({'tử số' if numerator else 'mẫu số'})",
                    value_type="integer",
                    aggregation=aggregation_of(pair),
                    period_type="month",
                    area=AREAS[pair % len(AREAS)],
                    unit_label="hộ" if aggregation_of(pair) == Aggregation.LAST else "hồ sơ",
                )
            )
    DataElement.objects.bulk_create(element_rows)
    element_list = list(DataElement.objects.filter(code__startswith="bench_"))
    by_code = {e.code: e for e in element_list}
    element_list = [by_code[r.code] for r in element_rows]
    indicator_list = []
    for pair in range(elements // 2):
        den, num = by_code[element_code(pair, False)], by_code[element_code(pair, True)]
        ind = Indicator.objects.create(
            code=f"bench_rate{pair:03d}",
            name=f"Tỷ lệ mẫu {pair + 1}",
            formula=f"{num.code} / {den.code} * 100",
            unit_label="%",
            area=den.area,
            period_type="year",
            sort_order=pair,
        )
        ind.elements.set([den, num])
        indicator_list.append(ind)
        ValidationRule.objects.create(
            code=f"bench_rule{pair:03d}",
            name=f"Tử số ≤ mẫu số (mẫu {pair + 1})",
            left=num.code,
            operator="<=",
            right=den.code,
            message=f"Tử số lớn hơn mẫu số (chỉ tiêu mẫu {pair + 1}).",
        )

    year_list = years_for(years)
    specs = [month(y, m) for y in year_list for m in range(1, 13)]
    periods = periods_ensure(specs)
    months = [periods[s.code] for s in specs]
    year_periods = {y: periods[year(y).code] for y in year_list}

    analyst = User.objects.create(username="bench_analyst", role=Role.ANALYST, unit=province)
    officers = {}
    for commune in commune_list:
        officers[commune.id] = User(username=f"bench_officer_{commune.code}", role=Role.COMMUNE_OFFICER, unit=commune)
    User.objects.bulk_create(officers.values(), batch_size=2000)
    officers = {u.unit_id: u for u in User.objects.filter(username__startswith="bench_officer_").select_related("unit")}
    analyst = User.objects.select_related("unit").get(id=analyst.id)
    return Province(
        province=province,
        communes=commune_list,
        villages=by_commune,
        elements=element_list,
        indicators=indicator_list,
        years=year_list,
        months=months,
        year_periods=year_periods,
        analyst=analyst,
        officers=officers,
    )


def village_index(prov: Province) -> dict[int, int]:
    """A stable number for every village (the seed of its figures)."""
    index = {}
    for commune in prov.communes:
        for village in prov.villages[commune.id]:
            index[village.id] = len(index)
    return index


def commune_year_rows(
    prov: Province, commune: AdminUnit, year_: int, *, shift: int = 0
) -> Iterator[tuple[int, int, int, int]]:
    """(element id, unit id, period id, value) of one commune-year file: villages × months × elements."""
    index = village_index_cached(prov)
    months = [(i, p) for i, p in enumerate(prov.months) if p.start.year == year_]
    pairs = [(prov.elements[2 * k], prov.elements[2 * k + 1], k) for k in range(len(prov.elements) // 2)]
    for village in prov.villages[commune.id]:
        vi = index[village.id]
        for mi, period in months:
            for den, num, k in pairs:
                yield den.id, village.id, period.id, value_of(vi, k, False, mi) + shift
                yield num.id, village.id, period.id, value_of(vi, k, True, mi) + shift


_INDEX_CACHE: dict[int, dict[int, int]] = {}


def village_index_cached(prov: Province) -> dict[int, int]:
    key = id(prov)
    if key not in _INDEX_CACHE:
        _INDEX_CACHE[key] = village_index(prov)
    return _INDEX_CACHE[key]


def bulk_rows(prov: Province, *, skip: set[tuple[int, int]]) -> Iterator[tuple[int, int, int, int]]:
    """Every value of the province except the commune-years in `skip` ((commune id, year))."""
    for commune in prov.communes:
        for y in prov.years:
            if (commune.id, y) in skip:
                continue
            yield from commune_year_rows(prov, commune, y)


def bulk_load(prov: Province, rows: Iterator[tuple[int, int, int, int]]) -> int:
    """Load raw values with the fastest correct path: COPY on PostgreSQL, executemany on SQLite."""
    table = DataValue._meta.db_table
    columns = "data_element_id, unit_id, period_id, year, value, comment, created_at, updated_at"
    now = timezone.now().isoformat()
    years = {pk: start.year for pk, start in Period.objects.values_list("id", "start")}  # the partition key
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            restore = _constraints_drop(cursor, table)  # as pg_restore does: load first, index and check after
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")  # the set-based key checks, run once below
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                buffer: list[str] = []
                for e, u, p, v in rows:
                    buffer.append(f"{e}\t{u}\t{p}\t{years[p]}\t{v}\t\t{now}\t{now}\n")
                    if len(buffer) >= 100_000:
                        copy.write("".join(buffer))
                        count += len(buffer)
                        buffer.clear()
                copy.write("".join(buffer))
                count += len(buffer)
            for statement in restore:
                cursor.execute(statement)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            _references_check(cursor, table)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, '', %s, %s)"
            batch: list[tuple] = []
            for e, u, p, v in rows:
                batch.append((e, u, p, years[p], float(v), now, now))
                if len(batch) >= 100_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _references_check(cursor, table: str) -> None:
    """What the disabled key triggers would have checked, once for the whole load."""
    for name in ("data_element", "unit", "period"):
        target = DataValue._meta.get_field(name).related_model._meta.db_table
        cursor.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT {name}_id AS id FROM {table}) v "
            f"WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE t.id = v.id)"
        )
        missing = cursor.fetchone()[0]
        assert missing == 0, f"{missing} {name} ids of the loaded values do not exist"


def _constraints_drop(cursor, table: str) -> list[str]:
    """Drop the table's indexes and constraints but its primary key; return the statements that restore them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype <> 'p'",
        [table],
    )
    constraints = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints
    ]
