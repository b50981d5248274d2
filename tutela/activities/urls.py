from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("mine/", views.activity_editable, name="activity_editable"),
    path("new/", views.activity_create, name="activity_create"),
    path("timeline/", views.timeline, name="timeline"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/translations/<str:language>/", views.activity_translate, name="activity_translate"),
    path("<int:pk>/publish/", views.activity_publish, name="activity_publish"),
    path("<int:pk>/submit/", views.activity_submit, name="activity_submit"),
    path("<int:pk>/clear-flags/", views.activity_clear_flags, name="activity_clear_flags"),
    path("occasions/", views.occasion_list, name="occasion_list"),
    path("occasions/new/", views.occasion_create, name="occasion_create"),
    path("occasions/<int:pk>/edit/", views.occasion_edit, name="occasion_edit"),
    path("occasions/<int:pk>/", views.occasion_detail, name="occasion_detail"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/stage/", views.project_move, name="project_move"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
]
