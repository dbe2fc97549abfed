"""Vietnamese first: the interface is Vietnamese unless the user chose English (the language switcher's cookie).

Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, and many officials' phones and
office computers are set to English.
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation


class VietnameseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character in the path or query string is a 400, on every page and API path.

    It is never part of a code, a name or a number, and PostgreSQL refuses it in any text it compares (a 500 on
    `/api/v1/units/%00/`). SuspiciousOperation is answered by the 400 handler: the API's JSON error body on /api/.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            raise SuspiciousOperation("NUL character in the request URL")
        return self.get_response(request)
