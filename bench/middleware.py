"""`Server-Timing: app;dur=<ms>, db;dur=<ms>;desc="<queries>"` on every response of the bench server, so the
page benchmark can tell the database's share of a page from Python's (templates, formatting)."""

import time

from django.db import connection


class ServerTiming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        db = {"n": 0, "s": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                db["n"] += 1
                db["s"] += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        app_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = f'app;dur={app_ms:.1f}, db;dur={db["s"] * 1000:.1f};desc="{db["n"]}"'
        return response
