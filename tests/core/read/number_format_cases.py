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
    ("[$₲-3C0A] #,##0", "currency-not-usd", "₲ 100"),
    ("₲ #,##0", "currency-not-usd", "₲ 100"),
    ('"RD$" #,##0.00', "currency-not-usd", "RD$ 100"),
    ('"$U" #,##0.00', "currency-not-usd", "$U 100"),
    ('#,##0 "UYU"', "currency-not-usd", "100 UYU"),
    ("[$Rs-4009] #,##0", "invalid-number", "Rs 100"),  # a currency the values do not know
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
    ("[$$-1009] #,##0.00", "currency-not-usd", "CAD 100"),
    ("[$$-1809] #,##0.00", "invalid-number", "[$$-1809] 100"),
    ("[$$-300A] #,##0.00", None, None),  # Ecuador: the US dollar
    ("[$$-0409] #,##0.00", None, None),
]

# A second tester's: currencies written in letters, Excel 365's locale names, Excel's own
# accounting formats (a zero shows a dash), conditions.
FORMATS += [
    ('"Gs." #,##0', "currency-not-usd", "Gs. 100"),
    ('#,##0 "pesos"', "currency-not-usd", "100 pesos"),
    ('"BsF" #,##0.00', "currency-not-usd", "BsF 100"),
    ('"Bs.D" #,##0.00', "currency-not-usd", "Bs.D 100"),
    ('#,##0.00 "reales"', "currency-not-usd", "100 reales"),
    ('#,##0.00 "bolívares"', "currency-not-usd", "100 bolívares"),
    ('"Q" #,##0.00', "currency-not-usd", "Q 100"),
    ('"B/." #,##0.00', "currency-not-usd", "B/. 100"),
    ('"Afl." #,##0.00', "currency-not-usd", "Afl. 100"),
    ("\\S/ #,##0.00", "currency-not-usd", "S/ 100"),  # `/` is shown unquoted
    ("\\S/\\. #,##0.00", "currency-not-usd", "S/. 100"),
    ("[$$-es-CO] #,##0", "currency-not-usd", "COP 100"),
    ("[$$-en-US]#,##0.00", None, None),
    ("[$$-es-EC] #,##0.00", None, None),
    ('"$us" #,##0.00', None, None),
    ('_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)', None, None),
    ('_-"$"\\ * #,##0.00_-;\\-"$"\\ * #,##0.00_-;_-"$"\\ * "-"??_-;_-@_-', None, None),
    ('_-[$$-en-US]* #,##0.00_ ;_-[$$-en-US]* -#,##0.00 ;_-[$$-en-US]* "-"??_ ;_-@_ ', None, None),
    ('[<1000]"$"#,##0;"S/ "#,##0', None, None),  # 100 is below 1000: dollars
    ('[>=1000]"$"#,##0;"S/ "#,##0', "currency-not-usd", "S/ 100"),
    ("[>=1]#,##0;0%", None, None),
    ("[<1]0%;#,##0", None, None),
]
# The same formats on zero (an accounting format's dash) and on 0.5 (a condition's other side).
ZERO_AND_HALF = [
    ('_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)', 0.0, None),
    ('_-"$"\\ * #,##0.00_-;\\-"$"\\ * #,##0.00_-;_-"$"\\ * "-"??_-;_-@_-', 0.0, None),
    ("[>=1]#,##0;0%", 0.5, "50%"),
    ('[<0.01]"<1%";0%', 0.5, "50%"),
    ("[<1]0%;#,##0", 0.5, "50%"),
]
# A third tester's: currencies as words beside others, codes and letters with a dot, and
# dollars written with both signs.
FORMATS += [
    ('#,##0.00 "Nuevos Soles"', "currency-not-usd", "100 Nuevos Soles"),
    ('"Lps." #,##0.00', "currency-not-usd", "Lps. 100"),
    ('"L." #,##0.00', "currency-not-usd", "L. 100"),
    ('"Q." #,##0.00', "currency-not-usd", "Q. 100"),
    ('"COP." #,##0', "currency-not-usd", "COP. 100"),
    ('"G." #,##0', "currency-not-usd", "G. 100"),
    ('"S./" #,##0.00', "currency-not-usd", "S./ 100"),
    ('#,##0.00 "MN"', "currency-not-usd", "100 MN"),
    ('"USD$" #,##0.00', None, None),
    ('"$ USD" #,##0.00', None, None),
    ("[$USD $-409] #,##0", None, None),
    ('0.0 "Lts"', None, None),  # a unit, not a currency
]
