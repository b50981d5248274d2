from django.urls import path

from . import views
from .feeds import ResourceFeed

app_name = "library"

urlpatterns = [
    path("", views.resource_list, name="resource_list"),
    path("feed.atom", ResourceFeed(), name="resource_feed"),
    path("new/", views.resource_create, name="resource_create"),
    path("<int:pk>/", views.resource_detail, name="resource_detail"),
    path("<int:pk>/translations/<str:language>/", views.resource_translate, name="resource_translate"),
    path("<int:pk>/add-language/", views.language_version_add, name="language_version_add"),
    path("<int:pk>/publish/", views.resource_publish, name="resource_publish"),
    path("files/<int:pk>/", views.download, name="download"),
    path("kits/", views.plan_list, name="plan_list"),
    path("kits/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("sessions/<int:activity_pk>/plan/", views.session_use_add, name="session_use_add"),
    path("session-uses/<int:pk>/feedback/", views.feedback_add, name="feedback_add"),
]
