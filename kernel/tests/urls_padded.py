"""A URL configuration for kernel/tests/test_reversing.py: converters that write an id their own
way, which reverse_ids must leave to Django."""

from django.http import HttpResponse
from django.urls import path, register_converter


class Padded:
    regex = "[0-9]{8}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:08d}"


class Signed:
    regex = "[+-][0-9]+"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:+d}"


register_converter(Padded, "padded")
register_converter(Signed, "signed")


def view(request, **kwargs):
    return HttpResponse("")


urlpatterns = [
    path("padded/<padded:pk>/", view, name="padded"),
    path("signed/<signed:pk>/", view, name="signed"),
    path("plain/<int:pk>/and/<int:other>/", view, name="plain"),
    path("text/<str:slug>/", view, name="text"),
    path("none/", view, name="none"),
]
