from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        # Each feature plugs into community's registries (dashboard, personal data) here.
        from insights import dashboard, personal_data, signals  # noqa: F401
