from django.apps import AppConfig


class FrontPageConfig(AppConfig):
    name = "frontpage"
    verbose_name = "Front page and the publication’s pages"
