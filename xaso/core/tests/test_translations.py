"""The English translation: complete, faithful to the placeholders, compiled, and served after the switch."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

#: `%(name)s`, `%(m)02d`... and `{max_length}`, `{"values": [...]}`; `%%` is a literal percent sign, not a placeholder
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{[^{}]*\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    def forms(self) -> list[tuple[str, str]]:
        """(source, translation) pairs: msgstr[0] renders msgid, the other forms render msgid_plural."""
        if self.msgid_plural is None:
            return [(self.msgid, self.msgstr.get(0, ""))]
        return [(self.msgid if n == 0 else self.msgid_plural, text) for n, text in sorted(self.msgstr.items())]


def parse_po(path: Path) -> list[Entry]:
    """A small reader for what makemessages writes: comments, flags, msgctxt/msgid/msgid_plural/msgstr[n]."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: tuple[str, int] | None = None

    def start(lineno: int) -> Entry:
        nonlocal current
        if current is None or current.msgstr:
            current = Entry(line=lineno)
            entries.append(current)
        return current

    def append(name: str, index: int, text: str) -> None:
        if name == "msgstr":
            current.msgstr[index] = current.msgstr.get(index, "") + text
        else:
            setattr(current, name, (getattr(current, name) or "") + text)

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or (line.startswith("#") and not line.startswith("#,")):
            continue  # blank lines, translator, extracted, reference and obsolete comments
        if line.startswith("#,"):
            start(lineno).flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if match:
            name, index, literal = match.groups()
            if name in ("msgctxt", "msgid"):
                start(lineno)
            key = (name, int(index or 0))
            append(*key, ast.literal_eval(literal))
        elif line.startswith('"') and key is not None:
            append(*key, ast.literal_eval(line))
        else:
            raise AssertionError(f"{path.name}:{lineno}: cannot read {raw!r}")
    return entries


def translatable() -> list[Entry]:
    return [e for e in parse_po(PO) if e.msgid or e.msgctxt]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_catalogue_is_read_and_not_empty():
    entries = parse_po(PO)
    header = entries[0]
    assert header.msgid == "" and "Language: en" in header.msgstr[0]
    assert "fuzzy" not in header.flags
    assert len(translatable()) > 500


def test_every_message_has_an_english_translation():
    untranslated = [e.msgid for e in translatable() if any(not text.strip() for _, text in e.forms())]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"
    fuzzy = [e.msgid for e in translatable() if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy[:10]}"
    plural = [e.msgid for e in translatable() if e.msgid_plural is not None and sorted(e.msgstr) != [0, 1]]
    assert not plural, f"English needs msgstr[0] and msgstr[1]: {plural[:10]}"


def test_translations_keep_the_placeholders():
    wrong = [
        (e.line, source, text)
        for e in translatable()
        for source, text in e.forms()
        if placeholders(source) != placeholders(text)
    ]
    assert not wrong, "\n".join(f"line {n}: {s!r} -> {t!r}" for n, s, t in wrong[:10])


def test_the_compiled_catalogue_matches_the_po():
    """The .mo is committed (the runtime has no gettext tools): it must not lag behind the .po."""
    with MO.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in translatable():
        for n, text in e.msgstr.items():
            if e.msgid_plural is None:
                got = compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)
            else:
                count = 1 if n == 0 else 2
                got = (
                    compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, count)
                    if e.msgctxt
                    else compiled.ngettext(e.msgid, e.msgid_plural, count)
                )
            if got != text:
                stale.append(e.msgid)
    assert not stale, f"recompile with `manage.py compilemessages`: {stale[:10]}"


@pytest.mark.django_db
def test_the_login_page_is_english_after_switching(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="en"' in page
    assert "Sign in" in page and "Username" in page and "Password" in page
    assert "Đăng nhập" not in page


@pytest.mark.django_db
def test_the_login_page_stays_vietnamese_by_default(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Đăng nhập" in page and "Sign in" not in page


def test_model_names_have_an_english_plural():
    """Vietnamese has one form for “nhiệm vụ” and “các nhiệm vụ”; English lists need “tasks”, not “task”."""
    models = [m for m in apps.get_models() if m.__module__.startswith("xaso.")]
    with translation.override("en"):
        same = {m.__name__ for m in models if str(m._meta.verbose_name_plural) == str(m._meta.verbose_name)}
        assert same == set()
        plurals = {m.__name__: str(m._meta.verbose_name_plural) for m in models}
    assert plurals["Task"] == "tasks" and plurals["Plan"] == "plans" and plurals["Period"] == "reporting periods"
    assert plurals["DataValue"] == "figures" and plurals["ElementRollup"] == "commune totals"
    with translation.override("vi"):
        assert str(apps.get_model("plans", "Task")._meta.verbose_name_plural) == "nhiệm vụ"
