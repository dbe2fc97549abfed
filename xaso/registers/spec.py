"""What a register declares so the shared machinery can import it, turn it into figures and drill down into it.

A register (the dossier register, the official document register...) is one `Register` subclass, registered once
with `register_add` from its app's `ready()`. The shared machinery then gives it, without code of its own:

- the import of the spreadsheets other systems export (`xaso.registers.services.import_start`): the header row is
  found, a known layout (`Register.layouts`) or one this commune saved (`ImportLayout`) maps its columns to the
  register's `fields`, a new layout is mapped once on the mapping screen; every cell is read by its field's kind
  (`xaso.registers.cells`) with an error naming its row and column;
- `Register.rows_save` is then called with the parsed rows (all-or-nothing: it raises `BulkValueError` with
  `RowError`s and nothing is saved), returns what changed and the months whose figures must be recomputed;
- `Register.monthly_counts` gives the counts per month and data element, which `xaso.registers.figures` writes
  through `values_write` with `ChangeSource.REGISTER`, so rollups, history and the page cache follow;
- `Register.drilldown_url` is where an indicator computed from the register lists its rows (the operations centre
  links it, `xaso.registers.selectors.drilldown_links`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.functional import Promise

TEXT, CODE, DATE, BOOL, CHOICE = "text", "code", "date", "bool", "choice"
KINDS = (TEXT, CODE, DATE, BOOL, CHOICE)


@dataclass(frozen=True)
class Field:
    """One column a register understands.

    `aliases` are header spellings (after `cells.header_key`: lower case, no diacritics, `_` between words)
    recognised without a saved layout; `choices` maps a folded cell text to a stored value (CHOICE fields);
    a `personal` field holds personal data: dropped at import unless the commune chose to keep it.
    """

    key: str
    label: str | Promise
    kind: str = TEXT
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: dict[str, str] = field(default_factory=dict)
    personal: bool = False
    max_length: int = 255
    help: str | Promise = ""
    #: a DATE field's earliest date: one before it is refused as a year typed wrong (None: any date)
    earliest: date | None = None


@dataclass(frozen=True)
class KnownLayout:
    """A spreadsheet layout a known system exports: its name and which header (key) fills which field."""

    name: str
    columns: dict[str, str]  # header key → field key

    def matches(self, keys: Iterable[str]) -> bool:
        return set(self.columns) <= set(keys)


@dataclass
class SaveResult:
    """What `Register.rows_save` did: counts, and the months (first days) whose figures must be recomputed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    months: set[date] = field(default_factory=set)


class Register:
    """Base class of a register; subclasses set the attributes and implement the four methods."""

    slug: str = ""  # in addresses: /registers/<slug>/...
    label: str | Promise = ""  # "Sổ hồ sơ thủ tục hành chính"
    row_label: str | Promise = ""  # "hồ sơ"
    fields: tuple[Field, ...] = ()
    layouts: tuple[KnownLayout, ...] = ()
    #: data elements whose figures this register computes (and no one types any more)
    elements: tuple[str, ...] = ()
    #: indicators whose figures come from the register and can be drilled into (`drilldown_url`)
    indicators: tuple[str, ...] = ()
    #: the key field: re-importing a row with the same key updates it instead of adding one
    key_field: str = ""
    #: the link text next to an indicator drilled into ("Hồ sơ", "Văn bản")
    drill_label: str | Promise = ""
    #: a header none of `layouts` holds is read by its columns' names (the fields' aliases) when they make a
    #: complete mapping (`columns_problem`), instead of waiting on the mapping screen: for registers whose exports
    #: vary in which columns they have and how they spell them (the document systems)
    recognised_by_aliases: bool = False

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]

    def rows_save(self, *, user, unit, rows: list[dict], columns: dict[str, str], register_import) -> SaveResult:
        """Check and save the parsed rows (each a dict of field key → value, plus `_row`: the row number) for
        the commune `unit`, all or nothing (BulkValueError). `columns` names each field's header for errors."""
        raise NotImplementedError

    def rows_check(self, *, unit, rows: list[dict], columns: dict[str, str]) -> list:
        """The register's own rules over rows whose every cell was read (`RowError`s, nothing saved): called when
        other rows of the file have unreadable cells, so one report names every problem. Default: none."""
        return []

    def monthly_counts(self, *, unit, months: set[date]) -> dict[date, dict[str, int]]:
        """For each month (its first day), the count of every element in `elements` (missing = 0)."""
        raise NotImplementedError

    def drilldown_url(self, *, unit, indicator_code: str, year: int) -> str | None:
        """Where the rows behind an indicator's figure are listed, or None for an indicator not from here."""
        raise NotImplementedError

    def home_url(self, *, unit) -> str:
        """The register's own page for the commune (its list of rows)."""
        raise NotImplementedError

    def has_rows(self, *, unit, year: int) -> bool:
        raise NotImplementedError

    def columns_problem(self, fields: set[str]) -> str | None:
        """Why a file whose columns fill `fields` cannot be imported, beyond a required field left out (the
        mapping screen shows it), or None. Default: none."""
        return None

    def store_personal(self, unit) -> bool:
        """Whether the commune chose to keep the personal fields (default: no, they are dropped at import)."""
        return False


_REGISTERS: dict[str, Register] = {}


def register_add(register: Register) -> Register:
    _REGISTERS[register.slug] = register
    return register


def register_get(slug: str) -> Register | None:
    return _REGISTERS.get(slug)


def registers_all() -> list[Register]:
    return list(_REGISTERS.values())
