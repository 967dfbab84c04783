from django.urls import path

from follows import views

app_name = "follows"

urlpatterns = [
    path("newsletter/", views.newsletter, name="newsletter"),
    path("follow/", views.follow, name="follow"),
    path("follow/thanks/", views.thanks, name="thanks"),
    path("follow/confirm/<str:token>/", views.confirm, name="confirm"),
    path("follow/you/<str:token>/", views.manage, name="manage"),
    path("follow/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
