"""A cache for pages that every anonymous visitor sees alike (per language).

``cache_page`` pickles whole response objects and hashes the request's headers into its key;
for a page that is the same for everyone without a cookie, the rendered bytes per language are
enough. Any request carrying a cookie (a session, a message, a CSRF token) bypasses the cache,
so nobody ever receives a page rendered for someone else.
"""

from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language


def anonymous_page_cache(seconds: int) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            key = f"anon-page:{get_language()}:{request.path}"
            cacheable = request.method in ("GET", "HEAD") and not request.COOKIES and not request.GET
            hit = cache.get(key) if cacheable else None
            if hit is not None:
                content, content_type = hit
                response = HttpResponse(content, content_type=content_type)
            else:
                response = view(request, *args, **kwargs)
                if cacheable and response.status_code == 200 and not response.cookies and not response.streaming:
                    if hasattr(response, "render") and callable(response.render):
                        response.render()
                    cache.set(key, (response.content, response["Content-Type"]), seconds)
            patch_vary_headers(response, ("Cookie",))  # on every answer, so no shared cache mixes them
            return response

        return wrapped

    return decorator
