"""safe_next: a next= value is followed only when it stays on this site."""

import pytest
from django.test import RequestFactory

from tutela.core.redirects import safe_next

HOSTILE = ["https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
           "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://testserver@evil.example/",
           "https:evil.example", " //evil.example", "http://testserver/x"]


@pytest.mark.parametrize("target", HOSTILE)
def test_off_site_next_falls_back_to_the_default(target):
    request = RequestFactory().post("/", {"next": target}, secure=True)
    assert safe_next(request, "/home/") == "/home/"


@pytest.mark.parametrize("target", ["/coordination/", "/partners/?q=a&after=x", "https://testserver/x"])
def test_same_site_next_is_followed(target):
    request = RequestFactory().post("/", {"next": target}, secure=True)
    assert safe_next(request, "/home/") == target


def test_next_in_the_query_string_is_checked_too():
    assert safe_next(RequestFactory().get("/", {"next": "https://evil.example"}), "/d/") == "/d/"
    assert safe_next(RequestFactory().get("/", {"next": "/ok/"}), "/d/") == "/ok/"
