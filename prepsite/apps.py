from django.apps import AppConfig


class PrepsiteConfig(AppConfig):
    """The project package as an app, only so that its system checks register at start-up.

    The checks are about how the whole site is deployed, not about one app, so
    they live beside the settings they read (``prepsite/checks.py``).
    """

    name = "prepsite"
    verbose_name = "prepsite"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the checks)
