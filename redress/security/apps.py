from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "redress.security"
    label = "security"
    verbose_name = "Staff sign-in and the site's protections"
