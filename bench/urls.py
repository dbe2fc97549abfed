"""The application's URLs plus `/bench/trivial/`: the baseline of the page benchmark, a view that does no work,
answered by the same server through the same middleware. Only `bench/settings.py` routes here."""

from django.http import HttpResponse
from django.urls import path

from config.urls import *  # noqa: F403
from config.urls import urlpatterns as app_urlpatterns


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *app_urlpatterns]
