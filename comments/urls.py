from django.urls import path

from comments import views
from comments.views import ratings

app_name = "comments"

urlpatterns = [
    path("reviews/<slug:slug>/comments/", views.post_comment, name="post"),
    path("reviews/<slug:slug>/rating/", ratings.rate, name="rate"),
    path("reviews/<slug:slug>/comments/form/", views.comment_form, name="form"),
    path("reviews/<slug:slug>/comments/held/", views.held, name="held"),
    path("reviews/<slug:slug>/ratings/", ratings.mine, name="ratings"),
    path("comments/<int:pk>/actions/", views.actions, name="actions"),
    path("comments/<int:pk>/report/", views.report, name="report"),
    path("comments/<int:pk>/react/", views.react, name="react"),
    path("comments/<int:pk>/illegal/", views.notice, name="notice"),
    path("comments/notices/<int:pk>/decide/", views.decide_notice, name="decide_notice"),
    path("comments/<int:pk>/edit/", views.edit, name="edit"),
    path("comments/<int:pk>/delete/", views.delete, name="delete"),
    path("comments/<int:pk>/remove/", views.remove, name="remove"),
    path("comments/<int:pk>/restore/", views.restore, name="restore"),
    path("comments/<int:pk>/approve/", views.approve, name="approve"),
    path("comments/<int:pk>/ban/", views.ban, name="ban"),
    path("comments/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("comments/<int:pk>/pin/", views.pin, name="pin"),
    path("comments/moderation/alerts/", views.alerts, name="alerts"),
    path("comments/mail/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("comments/mail/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
