"""Member actions in projects (posting, reacting, voting, flagging) and staff views.

Pages themselves (projects, topics) are served by Wagtail; these are the form targets.
Each block below belongs to one feature; keep additions inside your block.
"""

from django.urls import path

urlpatterns: list = []

# --- posts (topic page: answer, reply, edit, delete, react, probe) ---

# --- polls and invitations ---

# --- moderation (flags; the queue lives in the Wagtail admin) ---

# --- search, statistics and export ---

_ = path  # used by the blocks above
