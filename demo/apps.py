from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content: five reviews with their drawings (`manage.py load_demo`) and the four
    demo accounts (`manage.py create_demo_accounts`). No models; production may leave the
    app out (REVIEWSITE_DEMO=0)."""

    name = "demo"
    verbose_name = "Demo content"
