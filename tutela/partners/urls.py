from django.urls import path

from . import views

app_name = "partners"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("mine/", views.my_records, name="my_records"),
    path("organisations/autocomplete/", views.organisation_autocomplete, name="organisation_autocomplete"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("<int:pk>/publish/", views.organisation_publish, name="organisation_publish"),
    path("<int:pk>/merge/", views.organisation_merge, name="organisation_merge"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/publish/", views.agreement_publish, name="agreement_publish"),
    path("agreements/<int:pk>/stage/", views.agreement_move, name="agreement_move"),
    path("agreements/<int:pk>/commitments/new/", views.commitment_create, name="commitment_create"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="commitment_edit"),
]
