"""The API's JSON parser: DRF's, with a body nested too deep to read answered as a parse error (400) like any
other malformed JSON. Python's JSON reader gives up on deep nesting with a RecursionError, which is not a
ValueError, so DRF's parser let it through as a server error."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DrfJSONParser


class JSONParser(DrfJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("Nội dung gửi không phải JSON hợp lệ: lồng nhau quá sâu.")) from None
