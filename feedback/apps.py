from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        # Each feature plugs into community's registries (personal data) here.
        from feedback import personal_data  # noqa: F401
