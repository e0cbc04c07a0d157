"""Addresses of the feedback app: `public` (in both languages, under i18n_patterns) and
`api` (for other systems, under /api/feedback/). Each feature owns one module."""
