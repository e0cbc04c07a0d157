"""Complaints admin: registering a complaint received by phone, letter, e-mail or at a desk,
and the download of the files sent with a complaint."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from complaints.rules import can_register_complaint
from complaints.views import registration


class RegisterComplaintMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_register_complaint(request.user)


@hooks.register("register_admin_urls")
def register_registration_urls() -> list:
    return [
        path(
            "complaints/register/",
            registration.admin_complaint_register,
            name="complaints_admin_register",
        ),
        path(
            "complaints/register/done/",
            registration.admin_complaint_registered,
            name="complaints_admin_registered",
        ),
        path(
            "complaints/attachments/<int:pk>/",
            registration.admin_attachment_download,
            name="complaints_admin_attachment",
        ),
    ]


@hooks.register("register_complaints_menu_item")
def register_registration_menu_item() -> MenuItem:
    return RegisterComplaintMenuItem(
        _("Register a complaint"),
        reverse("complaints_admin_register"),
        name="complaints-register",
        icon_name="plus",
        order=200,
    )
