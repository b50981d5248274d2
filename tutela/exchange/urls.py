from django.urls import path

from . import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/apply/", views.job_apply, name="job_apply"),
    path("template/<str:kind>.<str:fmt>", views.template_download, name="template"),
    path("export/<str:kind>.<str:fmt>", views.export, name="export"),
]
