"""`{% project_updates project %}`: a project's published "you said, we did" updates.

The project page (served by `projects`) loads this library by name, so `projects` never
imports `insights`: the arrow stays insights → projects.
"""

from django import template

from insights.models import PublicUpdate

register = template.Library()

PROJECT_UPDATES_SHOWN = 5


@register.inclusion_tag("insights/updates/project_updates.html")
def project_updates(project) -> dict:
    """The project's latest published updates, newest first; one query."""
    updates = []
    if project is not None and project.pk:
        updates = list(
            PublicUpdate.objects.published()
            .filter(insight__projects=project)
            .distinct()
            .order_by("-published_at", "-pk")[: PROJECT_UPDATES_SHOWN + 1]
        )
    return {
        "updates": updates[:PROJECT_UPDATES_SHOWN],
        "more": len(updates) > PROJECT_UPDATES_SHOWN,
    }
