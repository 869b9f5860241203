"""Spanish numbers and dates in the web interface, as in the situation report
(kipu.core.phrasing): a non-breaking space between thousands ("862 000", never "862.000"), a
decimal comma, long dates such as "5 de noviembre de 2019" and short ones such as
"5 nov 2019".

One difference remains: Django groups every number of four digits or more ("1 500"), where the
report leaves four-digit numbers whole ("1500"); Django's number formatter has no minimum
grouping. Names not set here come from django/conf/locale/es/formats.py."""

DATE_FORMAT = r"j \d\e F \d\e Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j \d\e F \d\e Y \a \l\a\s H:i"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j \d\e F"
# Short dates name the month ("9 dic 2019"): 09/12/2019 is 12 September to an English reader.
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"  # non-breaking space, so a figure never breaks across lines
NUMBER_GROUPING = 3
