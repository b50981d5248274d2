from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("bodies/new/", views.body_create, name="body_create"),
    path("bodies/<slug:slug>/", views.body_detail, name="body_detail"),
    path("bodies/<slug:slug>/calendar.ics", views.body_calendar, name="body_calendar"),
    path("bodies/<slug:slug>/extend/", views.lifetime_extend, name="lifetime_extend"),
    path("bodies/<slug:slug>/members/new/", views.membership_add, name="membership_add"),
    path("bodies/<slug:slug>/chairs/new/", views.chair_appoint, name="chair_appoint"),
    path("bodies/<slug:slug>/terms-of-reference/new/", views.terms_of_reference_add, name="terms_of_reference_add"),
    path("bodies/<slug:slug>/attendance/", views.attendance_history, name="attendance_history"),
    path("bodies/<slug:slug>/meetings/<int:ordinal>/agenda/new/", views.agenda_item_add, name="agenda_item_add"),
    path("bodies/<slug:slug>/meetings/<int:ordinal>/decisions/new/", views.decision_add, name="decision_add"),
    path("bodies/<slug:slug>/meetings/<int:ordinal>/actions/new/", views.action_item_add, name="action_item_add"),
    path("bodies/<slug:slug>/meetings/<int:ordinal>/attendance/", views.attendance_record, name="attendance_record"),
    path("bodies/<slug:slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("bodies/<slug:slug>/meetings/<int:ordinal>/", views.meeting_detail, name="meeting_detail"),
    path("bodies/<slug:slug>/meetings/<int:ordinal>.ics", views.meeting_ics, name="meeting_ics"),
    path("bodies/<slug:slug>/meetings/<int:ordinal>/actions/<int:number>/close/", views.action_item_close,
         name="action_item_close"),
    path("bodies/<slug:slug>/documents/new/", views.document_register, name="document_register"),
    path("bodies/<slug:slug>/liaisons/new/", views.liaison_create, name="liaison_create"),
    path("registry/", views.registry, name="registry"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/revise/", views.document_revise, name="document_revise"),
    path("documents/<int:pk>/withdraw/", views.document_withdraw, name="document_withdraw"),
    path("documents/<int:pk>/files/<int:file_pk>/", views.document_download, name="document_download"),
    path("liaisons/", views.liaison_list, name="liaison_list"),
    path("liaisons/<int:pk>/", views.liaison_detail, name="liaison_detail"),
    path("liaisons/<int:pk>/send/", views.liaison_send, name="liaison_send"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("calendar/<str:token>.ics", views.user_feed, name="user_feed"),
]
