"""Dates as Vietnamese officials write and type them: 31/12/2026 (FORMAT_MODULE_PATH in settings).

Django's own Vietnamese locale leaves the input formats unset, so a date field would fall back to the American
"%m/%d/%Y" and read 03/04/2026 as 4 March. Every date field parses day first; the first format is also the one a
date input is filled with.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
FIRST_DAY_OF_WEEK = 1
