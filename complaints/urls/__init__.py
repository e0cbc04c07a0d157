"""Addresses of the complaints app: `public` (in both languages, under i18n_patterns). The
complaints staff's pages live in the Wagtail admin (wagtail_hooks)."""
