from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API over both cores: views, serializers, filters, permissions, schema, renderers."""

    name = "api"
    verbose_name = "REST API"
