"""Member actions in projects (posting, reacting, voting, flagging) and staff views.

Pages themselves (projects, topics) are served by Wagtail; these are the form targets.
Each block below belongs to one feature; keep additions inside your block.
"""

from django.urls import path

urlpatterns: list = []

# --- posts (topic page: answer, reply, edit, delete, react, probe) ---
from django.utils.translation import gettext_lazy  # noqa: E402

from projects.views import posts  # noqa: E402

urlpatterns += [
    path(gettext_lazy("topics/<int:topic_id>/answer/"), posts.post_answer, name="post_answer"),
    path(gettext_lazy("posts/<int:pk>/reply/"), posts.post_reply, name="post_reply"),
    path(gettext_lazy("posts/<int:pk>/follow-up/"), posts.post_probe, name="post_probe"),
    path(gettext_lazy("posts/<int:pk>/edit/"), posts.post_edit_view, name="post_edit"),
    path(gettext_lazy("posts/<int:pk>/delete/"), posts.post_delete_view, name="post_delete"),
    path(gettext_lazy("posts/<int:pk>/recognise/"), posts.post_react, name="post_react"),
]

# --- polls and invitations ---
from projects.views import polls as poll_views  # noqa: E402

urlpatterns += [
    path(gettext_lazy("topics/<int:topic_id>/vote/"), poll_views.poll_vote_view, name="poll_vote"),
]

# --- moderation (flags; the queue lives in the Wagtail admin) ---
from django.utils.translation import gettext_lazy  # noqa: E402

from projects.views import moderation as moderation_views  # noqa: E402

urlpatterns += [
    path(gettext_lazy("posts/<int:pk>/flag/"), moderation_views.post_flag, name="post_flag"),
]

# --- search, statistics and export ---
from projects.views import search as search_views  # noqa: E402

urlpatterns += [
    path(
        gettext_lazy("projects/<int:project_id>/search/"),
        search_views.project_search,
        name="project_search",
    ),
]

_ = path  # used by the blocks above
