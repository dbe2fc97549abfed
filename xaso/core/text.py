"""Free text people type that other systems read back: what is refused on the way in, what is made safe on the way
out (docs/decisions/0061-hostile-text-in-citizen-channels.md).

A citizen's feedback and an officer's answer end up in Open311 XML, an announcement's title in the loudspeaker
controller's M3U playlist, one line per field. Characters nobody types on a keyboard — C0/C1 control characters
(a vertical tab, an escape), the Unicode line and paragraph separators, bidirectional overrides that reorder what
a reader sees — either break those formats (XML 1.0 forbids most C0 characters; a parser stops at the first one)
or forge their lines (a newline in a title is a new playlist entry). They are refused with a message naming the
field and the character, so the person removes it; outputs also clean what an older row may still hold.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: never in a text: C0 controls except tab, line feed and carriage return; DEL and C1; the line and paragraph
#: separators; bidirectional embeddings, overrides and isolates (they make text read in another order than stored)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
#: in a one-line field (a title, a name): also tab, line feed and carriage return
LINE_BREAK = re.compile(r"[\t\n\r]")
#: what XML 1.0 cannot hold at all (https://www.w3.org/TR/xml/#charsets), escaped or not
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text_check(value: str, *, field: str, label: str, one_line: bool = False) -> None:
    """ValidationError naming `field` when `value` holds a control character (or, `one_line`, a line break)."""
    found = CONTROL.search(value or "") or (LINE_BREAK.search(value or "") if one_line else None)
    if found is None:
        return
    char = found.group()
    if one_line and LINE_BREAK.match(char):
        message = _("%(label)s phải viết trên một dòng: bỏ dấu xuống dòng.") % {"label": label}
    else:
        message = _(
            "%(label)s có ký tự điều khiển không nhìn thấy được (U+%(code)04X, thường do sao chép từ nơi khác): "
            "xóa ký tự đó rồi gửi lại."
        ) % {"label": label, "code": ord(char)}
    raise ValidationError({field: message})


def single_line(value: str) -> str:
    """`value` on one line for a line-based format (M3U, a log): control characters and line breaks become spaces."""
    return " ".join(LINE_BREAK.sub(" ", CONTROL.sub(" ", value or "")).split())


def xml_text(value: str) -> str:
    """`value` without the characters XML 1.0 cannot hold (ElementTree writes them as they are: an ill-formed
    document that every parser refuses)."""
    return NOT_XML.sub("", value)
