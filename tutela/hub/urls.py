from django.urls import path

from . import views
from .feeds import ActivityFeed, ConsultationFeed, DocumentFeed, subscription

app_name = "hub"

urlpatterns = [
    path("calendar/", views.calendar_month, name="calendar_month"),
    path("calendar/list/", views.calendar_list, name="calendar_list"),
    path("calendar.ics", views.calendar_ics, name="calendar_ics"),
    path("calendar/countries/<str:code>.ics", views.country_ics, name="country_ics"),
    path("calendar/pillars/<slug:slug>.ics", views.pillar_ics, name="pillar_ics"),
    path("calendar/<str:kind>/<int:pk>.ics", views.event_ics, name="event_ics"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/activities.atom", subscription(ActivityFeed()), name="activity_feed"),
    path("feeds/documents.atom", subscription(DocumentFeed()), name="document_feed"),
    path("feeds/consultations.atom", subscription(ConsultationFeed()), name="consultation_feed"),
    path("iati/", views.iati, name="iati"),
    path("iati/activities.xml", views.iati_activities, name="iati_activities"),
    path("iati/organisation.xml", views.iati_organisation, name="iati_organisation"),
    path("data/", views.open_data, name="open_data"),
    path("data/<slug:collection>.csv", views.data_csv, name="data_csv"),
    path("data/<slug:collection>.json", views.data_json, name="data_json"),
]
