# Arabic: "6 ديسمبر 2026", "6 ديسمبر 2026، 14:05" (Django has no DATETIME_FORMAT for Arabic: it fell back to English's).
DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
NUMBER_GROUPING = 3  # Django sets none for Arabic: "12.345" with its thousand separator
