from django.urls import path

from . import views

app_name = "strategies"
urlpatterns = [
    path("", views.country_list, name="country_list"),
    path("map.svg", views.world_map, name="world_map"),
    path("countries/<str:code>/", views.country_profile, name="country_profile"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/import/", views.framework_import, name="framework_import"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/fill/", views.assessment_fill, name="assessment_fill"),
    path("assessments/<int:pk>/ratings/<int:rating_pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("assessments/<int:pk>/submit/", views.assessment_submit, name="assessment_submit"),
    path("assessments/<int:pk>/return/", views.assessment_return, name="assessment_return"),
    path("assessments/<int:pk>/validate/", views.assessment_validate, name="assessment_validate"),
    path("assessments/<int:pk>/publish/", views.assessment_publish, name="assessment_publish"),
    path("assessments/<int:pk>/export.<str:fmt>", views.assessment_export, name="assessment_export"),
    path("assessments/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
]
