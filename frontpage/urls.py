from django.urls import path

from frontpage import views
from frontpage.models import Page

app_name = "frontpage"

urlpatterns = [
    path("", views.home, name="home"),
    *(path(f"{kind}/", views.page, {"kind": kind}, name=kind) for kind in Page.Kind.values),
]
