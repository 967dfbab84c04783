"""Django's own date formats (the admin's lists and detail pages) as the site writes dates
everywhere else: "7 Dec 2026, 15:02" (infra.dates.WHEN), not "Dec. 7, 2026, 3:02 p.m."."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
