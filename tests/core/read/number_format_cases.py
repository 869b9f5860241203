"""Excel number formats and how a number cell of each must read (`kipu.core.read.numformats`):
shared by the XLS and XLSX tests, so both formats read a format alike."""

FORMATS = [
    # (number format, issue at Value (in USD), its value); no issue: read as the number 100
    ("[$S/-280A] #,##0.00", "currency-not-usd", "S/ 100"),
    ('"S/." #,##0.00', "currency-not-usd", "S/. 100"),
    ('"S/"\\ #,##0.00', "currency-not-usd", "S/ 100"),
    ("#,##0.00 [$€-407]", "currency-not-usd", "100 €"),
    ('#,##0.00 "€"', "currency-not-usd", "100 €"),
    ("\\€#,##0", "currency-not-usd", "€100"),
    ("€ #,##0.00", "currency-not-usd", "€ 100"),
    ("[$PEN] 0.00", "currency-not-usd", "PEN 100"),
    ("[$R$-416] #,##0.00", "currency-not-usd", "R$ 100"),
    ("[$₲-3C0A] #,##0", "invalid-number", "₲ 100"),  # a currency the values do not know
    ("₲ #,##0", "invalid-number", "₲ 100"),
    ('"RD$" #,##0.00', "invalid-number", "RD$ 100"),
    ('"$U" #,##0.00', "invalid-number", "$U 100"),
    ('#,##0 "UYU"', "invalid-number", "100 UYU"),
    ('"S/" #,##0.00 "pers."', "invalid-number", "S/ 100 pers."),
    ('"US$" #,##0.00', None, None),
    ("0%", "invalid-number", "10000%"),
    ("0.00%", "invalid-number", "10000%"),
    ('0"%"', None, None),  # a % sign as text: the number is shown
    ("$#,##0.00", None, None),
    ('"$"#,##0.00', None, None),
    ("[$$-409]#,##0.00", None, None),
    ("[$USD] 0", None, None),
    ("[$-409]#,##0", None, None),  # a locale, no currency
    ('0 "personas"', None, None),
    ("#,##0.00;[Red]-#,##0.00", None, None),
    ("General", None, None),
]

BEFORE = {"": False, '"S/" ': True, "[$€-407] ": True, "$": False, '"USD" ': False}
BEFORE |= {"[$$-409]": False, '"Bs." ': True, '"RD$" ': True, "¥": True, '"UYU" ': True}
AFTER = {"": False, ' "€"': True, " [$PEN]": True, ' "soles"': True, ' "pers."': False, "%": True}

# A `$` tagged with a locale whose dollar is not the US dollar (Excel's currency list:
# "$ Español (Colombia)"): that currency, by its ISO code, or the tag when Kipu knows none.
FORMATS += [
    ("[$$-240A] #,##0", "currency-not-usd", "COP 100"),
    ("[$$-80A]#,##0.00", "currency-not-usd", "MXN100"),
    ("[$$-1009] #,##0.00", "invalid-number", "CAD 100"),
    ("[$$-1809] #,##0.00", "invalid-number", "[$$-1809] 100"),
    ("[$$-300A] #,##0.00", None, None),  # Ecuador: the US dollar
    ("[$$-0409] #,##0.00", None, None),
]
