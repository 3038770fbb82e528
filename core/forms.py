"""Form fields any surface may use; they know no domain."""
from __future__ import annotations

import re
from decimal import Decimal

from django import forms

# What people type between digits: commas (also the full-width "，"), spaces (also no-break and thin spaces),
# apostrophes (1'200'000), a currency sign before the number.
_SEPARATORS = re.compile(r"[,，\s\u00a0\u2009\u202f']")
_UNITS = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8}


class AmountField(forms.DecimalField):
    """A money amount as people write it: "1,200,000", "1 200 000", "¥1,200,000.50", "120万", "1.2亿".

    A text input (a number input refuses separators in the browser) with the decimal keyboard on phones;
    the value is then checked as a DecimalField (digits, places, bounds).
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            text = _SEPARATORS.sub("", value.strip()).lstrip("¥￥")
            unit = _UNITS.get(text[-1:]) if text else None
            if unit is not None:
                number = super().to_python(text[:-1])
                return None if number is None else (number * unit).quantize(Decimal("0.01"))
            return super().to_python(text)
        return super().to_python(value)
