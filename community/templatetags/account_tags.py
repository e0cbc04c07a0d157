"""Tags for the allauth pages in the site's own templates."""

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from django import template
from django.core import signing

register = template.Library()


@register.simple_tag
def email_confirmation_problem(key: str) -> str:
    """Why a verification link did not work: "expired", "used" (the address is already
    verified) or "invalid". Only for allauth's signed links (EMAIL_CONFIRMATION_HMAC)."""
    try:
        pk = signing.loads(key, salt=account_settings.SALT)  # whose link, whatever its age
    except signing.BadSignature:
        return "invalid"
    if EmailAddress.objects.filter(pk=pk, verified=True).exists():
        return "used"
    max_age = 60 * 60 * 24 * account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS
    try:
        signing.loads(key, max_age=max_age, salt=account_settings.SALT)
    except signing.SignatureExpired:
        return "expired"
    return "invalid"


@register.simple_tag
def email_confirmation_expire_days() -> int:
    """How many days a verification link works."""
    return account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS
