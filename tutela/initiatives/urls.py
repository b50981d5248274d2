from django.urls import path

from . import views

app_name = "initiatives"
urlpatterns = [
    path("", views.initiative_home, name="home"),
    path("<int:pk>/", views.initiative_detail, name="initiative_detail"),
    path("<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path("<int:pk>/mandate/new/", views.mandate_version_add, name="mandate_version_add"),
    path("pillars/<slug:slug>/", views.pillar_detail, name="pillar_detail"),
    path("deliverables/", views.deliverable_list, name="deliverable_list"),
    path("deliverables/new/", views.deliverable_create, name="deliverable_create"),
    path("deliverables/<int:pk>/", views.deliverable_detail, name="deliverable_detail"),
    path("deliverables/<int:pk>/edit/", views.deliverable_edit, name="deliverable_edit"),
    path("deliverables/<int:pk>/publish/", views.deliverable_publish, name="deliverable_publish"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/appointments/new/", views.appointment_create, name="appointment_create"),
    path("appointments/<int:pk>/edit/", views.appointment_edit, name="appointment_edit"),
]
