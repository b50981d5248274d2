from django.urls import path

from . import views

app_name = "bulletins"
urlpatterns = [
    path("", views.archive_index, name="archive_index"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/", views.manage_request, name="manage_request"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("u/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("archive/<slug:slug>/", views.archive, name="archive"),
    path("archive/<slug:slug>/feed.atom", views.archive_feed, name="archive_feed"),
    path("archive/<slug:slug>/<int:pk>/", views.archive_bulletin, name="archive_bulletin"),
    path("workspace/", views.index, name="index"),
    path("workspace/lists/new/", views.list_create, name="list_create"),
    path("workspace/lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("workspace/lists/<int:pk>/import/", views.list_import, name="list_import"),
    path("workspace/imports/<int:pk>/", views.import_job, name="import_job"),
    path("workspace/new/", views.bulletin_create, name="bulletin_create"),
    path("workspace/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("workspace/<int:pk>/edit/", views.bulletin_edit, name="bulletin_edit"),
    path("workspace/<int:pk>/translations/<str:language>/", views.bulletin_translate, name="bulletin_translate"),
    path("workspace/<int:pk>/preview/", views.bulletin_preview, name="bulletin_preview"),
    path("workspace/<int:pk>/test/", views.bulletin_test, name="bulletin_test"),
    path("workspace/<int:pk>/send/", views.bulletin_send, name="bulletin_send"),
    path("workspace/<int:pk>/unschedule/", views.bulletin_unschedule, name="bulletin_unschedule"),
    path("commitments/<int:pk>/deliveries/new/", views.commitment_delivery_create, name="commitment_delivery_create"),
    path("commitments/<int:pk>/deliveries/remove/", views.commitment_delivery_remove,
         name="commitment_delivery_remove"),
]
