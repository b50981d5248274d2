from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("workspace/audit/", views.audit_log, name="audit_log"),
    path("workspace/review/", views.review_queue, name="review_queue"),
    path("workspace/review/<str:label>/<int:pk>/publish/", views.review_publish, name="review_publish"),
    path("workspace/review/<str:label>/<int:pk>/return/", views.review_return, name="review_return"),
    path("workspace/review/<str:label>/<int:pk>/clear-flags/", views.review_clear_flags, name="review_clear_flags"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon, name="favicon"),
    path("csp-report", views.csp_report, name="csp_report"),
]
