"""Real Chromium: the Content-Security-Policy holds on every page each persona reaches.

The demo is loaded, then each persona (anonymous, stakeholder, the two focal points, the
secretariat) crawls breadth-first from the home page and the workspace through same-origin
links. Any violation fails the test: Chromium's console "Refused to …" errors and the page's
``securitypolicyviolation`` events are both collected (an init script is injected by the
browser, outside the policy)."""

import re
from urllib.parse import urldefrag, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES_PER_PERSONA = 40
SKIP = ("/accounts/logout", "/admin/", "/api/", "/export", "/download", "/csp-report", "/media/", "/static/", "/api/v1/openapi")
SKIP_SUFFIXES = (".csv", ".xlsx", ".pdf", ".docx", ".odt", ".json", ".md", ".ics", ".zip", ".txt")

WATCH = """
window.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def demo(settings, tmp_path):
    import importlib

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    settings.MEDIA_ROOT = str(tmp_path / "media")
    ContentType.objects.clear_cache()
    from tutela.initiatives.models import Pillar

    if not Pillar.objects.exists():
        importlib.import_module("tutela.initiatives.migrations.0002_pillars").create(apps, None)
    ctx: dict = {}
    for config in apps.get_app_configs():
        if config.name.startswith("tutela."):
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.load(ctx)
    return ctx


def _watch(context, violations):
    def record(source, message):
        violations.append((source["frame"].url if source.get("frame") else "?", message))

    context.expose_binding("__cspViolation", record)
    context.add_init_script(WATCH)


def _shape(url):
    """One visit per URL shape: /activities/12/ and /activities/13/?x=1 are both /activities/N/."""
    return re.sub(r"\d+", "N", urlparse(url).path)


def _crawl(page, base, starts, limit):
    seen, queue, visited = set(), list(starts), []
    while queue and len(visited) < limit:
        url = queue.pop(0)
        if _shape(url) in seen:
            continue
        seen.add(_shape(url))
        response = page.goto(base + url)
        page.wait_for_load_state("load")
        visited.append((url, response.status if response else None, response.headers.get("content-security-policy")
                        if response else None))
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            href = urldefrag(href)[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/"):
                continue
            if any(part in href for part in SKIP) or parsed.path.endswith(SKIP_SUFFIXES):
                continue
            if _shape(href) not in seen:
                queue.append(href)
    return visited


def _sign_in(page, base, email, password):
    page.goto(base + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/workspace/")


PERSONAS = {
    "anonymous": None,
    "stakeholder": "stakeholder@tutela.test",
    "focal point A": "focal.acopea@tutela.test",
    "focal point B": "focal.trendmicro@tutela.test",
    "secretariat": "secretariat@tutela.test",
}


def test_no_page_breaks_the_content_security_policy_for_any_persona(browser, live_server, demo, output_path):
    from tutela.accounts.demo import DEMO_PASSWORD

    violations: list = []
    report = []
    for persona, email in PERSONAS.items():
        context = browser.new_context()
        page = context.new_page()
        _watch(context, violations)
        page.on("console", lambda msg, persona=persona, page=page: (
            violations.append((persona, page.url, msg.text))
            if msg.type == "error" and ("Content Security Policy" in msg.text or "Refused to" in msg.text) else None))
        starts = ["/"]
        if email:
            _sign_in(page, live_server.url, email, DEMO_PASSWORD)
            starts = ["/workspace/", *starts]
        visited = _crawl(page, live_server.url, starts, PAGES_PER_PERSONA)
        report.append((persona, visited))
        missing = [url for url, status, csp in visited if status == 200 and not csp]
        assert not missing, f"{persona}: pages without a Content-Security-Policy header: {missing}"
        if persona in ("anonymous", "secretariat"):
            # Swagger UI (its own narrower policy, see config/api.py) still draws the operations.
            page.goto(live_server.url + "/api/v1/docs")
            page.wait_for_selector(".swagger-ui .opblock", timeout=90000)
            page.screenshot(path=output_path("swagger.png"))
        context.close()
    pages = sum(len(v) for _p, v in report)
    print(f"CSP crawl: {pages} pages visited by {len(report)} personas, {len(violations)} violations")
    assert pages >= 3 * len(PERSONAS), report
    assert not violations, sorted({str(v) for v in violations})[:30]
