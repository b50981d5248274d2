from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tutela.core.cache import anonymous_page_cache
from tutela.core.requests import SignedInRequest

from . import search as site_search
from . import selectors


@anonymous_page_cache(300)
def index(request: HttpRequest) -> HttpResponse:
    # The public home page is the same for every anonymous visitor (per language): served from the
    # cache for five minutes, it costs about what a static response costs. Visitors with a cookie
    # (signed in, or with a message waiting) always get a fresh page.
    return render(request, "home/index.html", selectors.home_page(request.user, now=timezone.now()))


@login_required
def workspace(request: SignedInRequest) -> HttpResponse:
    sections = selectors.workspace(request.user, today=timezone.localdate())
    return render(request, "home/workspace.html", {"sections": sections,
                                                   "waiting": sum(s.count for s in sections if s.key != "records")})


def search(request: HttpRequest) -> HttpResponse:
    """Site search over what the visitor may read. A refused query answers 400 with the reason."""
    raw = request.GET.get("q", "")
    only = request.GET.get("in", "")
    if only not in {s.key for s in site_search.SOURCES}:
        only = ""
    context: dict = {"sources": site_search.SOURCES, "only": only, "max_query": site_search.MAX_QUERY}
    try:
        query = site_search.clean_query(raw)
    except site_search.QueryRefused as exc:
        context.update(query="", refused=str(exc))
        return render(request, "home/search.html", context, status=400)
    context["query"] = query
    if query and not site_search.words(query):
        context["no_words"] = True
    elif query:
        context["results"] = site_search.search(request.user, query, only=only)
        context["found"] = any(r["rows"] for r in context["results"])
    return render(request, "home/search.html", context)
