"""App configuration of demo."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "routeplus.demo"
    verbose_name = "Demo"
