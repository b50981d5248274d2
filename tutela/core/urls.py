from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/audit/", views.audit_log, name="audit_log"),
    path("healthz", views.healthz, name="healthz"),
    path("csp-report", views.csp_report, name="csp_report"),
]
