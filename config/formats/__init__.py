"""Dates as people read them on the site, the same in every template: "30 november 2026" in
Dutch, "30 November 2026" in English (FORMAT_MODULE_PATH). Templates write `|date:"DATE_FORMAT"`
or `|date:"DATETIME_FORMAT"`, never a format string of their own."""
