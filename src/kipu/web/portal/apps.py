from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "kipu.web.portal"
    label = "kipu_portal"
