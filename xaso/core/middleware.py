"""Vietnamese first: the interface is Vietnamese unless the user chose English (the language switcher's cookie).

Django's LocaleMiddleware would otherwise follow the browser's Accept-Language, and many officials' phones and
office computers are set to English.
"""

from __future__ import annotations


class VietnameseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
