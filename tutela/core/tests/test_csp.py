"""The Content-Security-Policy header is sent on every kind of answer, and violations are logged."""

import json

import pytest

pytestmark = pytest.mark.django_db

REQUIRED = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
            "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"]


@pytest.mark.parametrize("url", ["/", "/partners/", "/accounts/login/", "/no-such-page/", "/api/v1/partners",
                                 "/api/v1/docs"])
def test_every_answer_carries_the_policy(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    for directive in REQUIRED:
        assert directive in policy, (url, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_only_the_api_docs_allow_data_images(client):
    assert "img-src 'self' data:" in client.get("/api/v1/docs")["Content-Security-Policy"]
    assert "data:" not in client.get("/")["Content-Security-Policy"]


def test_pages_have_no_inline_script_or_style(client, secretariat):
    client.force_login(secretariat)
    for url in ["/", "/workspace/", "/partners/", "/activities/", "/figures/all/", "/coordination/"]:
        body = client.get(url).content.decode()
        assert "style=" not in body, url
        assert "<style" not in body, url
        assert "<script>" not in body and "<script " not in body.replace('<script src=', ''), url


def test_violation_reports_are_logged_and_answered_204(client, caplog):
    report = {"csp-report": {"document-uri": "http://testserver/x", "violated-directive": "script-src-elem",
                             "blocked-uri": "inline"}}
    response = client.post("/csp-report", json.dumps(report), content_type="application/csp-report")
    assert response.status_code == 204
    assert "csp violation: script-src-elem blocked inline on http://testserver/x" in caplog.text
    assert client.post("/csp-report", "not json", content_type="application/csp-report").status_code == 400
    assert client.post("/csp-report", "x" * 20000, content_type="application/csp-report").status_code == 413
    assert client.get("/csp-report").status_code == 405
