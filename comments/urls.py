from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("reviews/<slug:slug>/comments/", views.post_comment, name="post"),
    path("comments/<int:pk>/report/", views.report, name="report"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/<int:pk>/remove/", views.remove, name="remove"),
    path("comments/<int:pk>/restore/", views.restore, name="restore"),
    path("comments/<int:pk>/approve/", views.approve, name="approve"),
    path("comments/<int:pk>/ban/", views.ban, name="ban"),
    path("comments/<int:pk>/pin/", views.pin, name="pin"),
    path("comments/moderation/alerts/", views.alerts, name="alerts"),
    path("comments/mail/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("comments/mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
