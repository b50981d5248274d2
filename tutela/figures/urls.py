from django.urls import path

from . import views

app_name = "figures"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("all/", views.figure_list, name="figure_list"),
    path("new/", views.figure_create, name="figure_create"),
    path("<int:pk>/", views.figure_detail, name="figure_detail"),
    path("<int:pk>/edit/", views.figure_edit, name="figure_edit"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
]
