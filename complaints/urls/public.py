"""The parent's pages (complaint form, receipt, status link) and the paths notifications link
to, in Dutch and English: `/klacht/`, `/klacht/ontvangen/`, `/klacht/status/<token>/`
(English `/en/complaint/…`)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from complaints.urls import notifications
from complaints.views import public

urlpatterns: list = [
    path(_("complaint/"), public.complaint_form, name="complaint_form"),
    path(_("complaint/received/"), public.complaint_receipt, name="complaint_receipt"),
    path(_("complaint/status/<str:token>/"), public.complaint_status, name="complaint_status"),
    *notifications.urlpatterns,
]
