"""One date style per language across the site (issue 18 item 8): ``FORMAT_MODULE_PATH`` points here.

Each module sets the named formats pages use (``|date:"DATE_FORMAT"``, ``"DATETIME_FORMAT"``, ``"TIME_FORMAT"``,
``"YEAR_MONTH_FORMAT"``); the short forms are the long ones, so no page shows "12/06/2026" beside
"6 December 2026". Times are on the 24-hour clock everywhere. What a module does not set (number separators,
input formats) comes from Django's own module for the language. Machine formats (CSV, JSON, iCal, IATI) use ISO.
"""
