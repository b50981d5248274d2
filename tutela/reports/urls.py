from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_create, name="report_create"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/period/", views.report_period, name="report_period"),
    path("<int:pk>/sources/", views.report_sources, name="report_sources"),
    path("<int:pk>/draft/", views.report_draft, name="report_draft"),
    path("<int:pk>/draft/retry/", views.report_draft_retry, name="report_draft_retry"),
    path("<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("<int:pk>/move/", views.report_move, name="report_move"),
    path("<int:pk>/paragraphs/add/", views.paragraph_add, name="paragraph_add"),
    path("<int:pk>/translations/<str:language>/", views.report_translations, name="report_translations"),
    path("<int:pk>/export.<str:fmt>", views.report_export, name="report_export"),
    path("<int:pk>/files/<int:file_pk>/", views.report_file, name="report_file"),
    path("<int:pk>/files/<int:file_pk>/download", views.report_file_download, name="report_file_download"),
    path("paragraphs/<int:pk>/edit/", views.paragraph_edit, name="paragraph_edit"),
    path("paragraphs/<int:pk>/<str:action>/", views.paragraph_action, name="paragraph_action"),
]
