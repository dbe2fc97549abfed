from django.urls import path

from .views import ExchangeAdxApi, ExchangeValuesApi

urlpatterns = [
    path("exchange/values/", ExchangeValuesApi.as_view(), name="api-exchange-values"),
    path("exchange/adx/", ExchangeAdxApi.as_view(), name="api-exchange-adx"),
]
