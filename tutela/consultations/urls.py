from django.urls import path

from . import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="consultation_list"),
    path("workspace/", views.dashboard, name="dashboard"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("documents/new/", views.document_create, name="document_create"),
    path("<int:pk>/extend/", views.consultation_extend, name="consultation_extend"),
    path("<int:pk>/status/", views.consultation_move, name="consultation_move"),
    path("<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("<int:pk>/languages/", views.consultation_languages, name="consultation_languages"),
    path("<int:pk>/translations/<str:language>/", views.consultation_translate, name="consultation_translate"),
    path("documents/<int:pk>/translations/<str:language>/", views.document_translate, name="document_translate"),
    path("versions/<int:pk>/translations/<str:language>/", views.version_translate, name="version_translate"),
    path("<int:pk>/read/", views.consultation_read, name="read"),
    path("<int:pk>/p/<int:paragraph_id>/", views.paragraph_detail, name="paragraph"),
    path("<int:pk>/comment/", views.document_comment, name="document_comment"),
    path("<int:pk>/email/", views.email_start, name="email_start"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/resolution.<str:fmt>", views.resolution_export, name="resolution_export"),
    path("<int:pk>/answers.<str:fmt>", views.answers_export, name="answers_export"),
    path("<int:pk>/moderate/", views.moderation, name="moderation"),
    path("<int:pk>/dispositions/", views.dispositions, name="dispositions"),
    path("confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("receipt/<str:receipt>/", views.receipt, name="receipt"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/imports/<int:job>/", views.import_job, name="import_job"),
    path("documents/<int:pk>/imports/<int:job>/retry/", views.import_retry, name="import_retry"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:pk>/move/", views.version_move, name="version_move"),
    path("documents/<int:pk>/move/", views.document_move, name="document_move"),
    path("versions/<int:pk>/export.<str:fmt>", views.version_export, name="version_export"),
    path("versions/<int:pk>/diff/<int:other>/", views.version_diff, name="diff"),
]
