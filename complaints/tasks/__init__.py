"""Background tasks of the complaints app (django-tasks), one module per feature."""
