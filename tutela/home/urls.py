from django.urls import path

from . import views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
    path("workspace/", views.workspace, name="workspace"),
    path("search/", views.search, name="search"),
]
