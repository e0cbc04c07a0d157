# Django's own English formats, except for these two: day, month, year as in Dutch, not the
# American "Nov. 30, 2026".
DATE_FORMAT = "j F Y"  # 30 November 2026
DATETIME_FORMAT = "j F Y, H:i"  # 30 November 2026, 14:05
