# Django's own Dutch formats, except for these two (the same as in config/formats/en).
DATE_FORMAT = "j F Y"  # 30 november 2026
DATETIME_FORMAT = "j F Y, H:i"  # 30 november 2026, 14:05
