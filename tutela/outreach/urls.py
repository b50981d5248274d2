from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/messages/new/", views.message_add, name="message_add"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/trainees/", views.programme_trainees, name="programme_trainees"),
    path("programmes/<int:pk>/sessions/new/", views.session_record, name="session_record"),
    path("programmes/<int:pk>/parameters/<slug:key>/", views.programme_parameter, name="programme_parameter"),
    path("cohorts/<int:pk>/register/", views.trainee_register, name="trainee_register"),
    path("cohorts/<int:pk>/import/", views.trainees_import, name="trainees_import"),
    path("cohorts/<int:pk>/import/<int:job>/", views.trainee_import_job, name="trainee_import_job"),
    path("trainees/<int:pk>/certificate/", views.certificate_issue, name="certificate_issue"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/parameters/<slug:key>/", views.campaign_parameter, name="campaign_parameter"),
    path("countries/<str:code>/", views.country, name="country"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify, name="verify_code"),
]
