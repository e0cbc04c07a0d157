"""Every write on members and staff accounts, one module per feature."""

from community.services.accounts import user_create

__all__ = ["user_create"]
