"""Form fields for what people type as they type it: dates and whole numbers (counts, money in đồng).

Both parse with the one parser in shared.text (parse_date, parse_number) and show a valid value back in
its canonical form (15/05/2023, 15.000.000); an invalid one is shown back exactly as typed, with the error.
"""
from __future__ import annotations

from wtforms import StringField
from wtforms.validators import StopValidation

from shared.parsing import INT32_MAX
from shared.text import format_date, format_number, parse_date, parse_number

# The attributes of every date box (WTForms fields below; raw <input>s use `{{ DATE_INPUT|xmlattr }}`).
# inputmode="decimal": a large number pad with the locale's decimal key, "." or "," on iPhones and both
# on Android keyboards, and the parser takes either as a date separator (15.05.2023, 15,05,2023), or none
# at all (15052023). "numeric" has no separator key on iPhones; "text" gives the small letter keyboard;
# type="date" brings each browser's own picker and format, and sends ISO dates typed nowhere else.
DATE_INPUT = {"inputmode": "decimal", "placeholder": "dd/mm/yyyy", "autocomplete": "off", "size": 10, "maxlength": 20}
# Counts and amounts: digits only (grouping separators are optional when typing).
NUMBER_INPUT = {"inputmode": "numeric", "autocomplete": "off"}


class _TypedField(StringField):
    """A text box whose `.data` is the parsed value; what was typed is kept in `.raw` for a re-render."""

    attributes: dict = {}

    def __init__(self, *args, **kwargs):
        kwargs["render_kw"] = {**self.attributes, **(kwargs.get("render_kw") or {})}
        super().__init__(*args, **kwargs)

    def parse(self, text: str):
        raise NotImplementedError

    def show(self, value) -> str:
        raise NotImplementedError

    def pre_validate(self, form):
        if self.process_errors:  # a box that does not parse says only that, not also "out of range"
            raise StopValidation()

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        try:
            self.data = self.parse(self.raw)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(exc)) from None

    def _value(self):
        if self.data is None:
            return getattr(self, "raw", None) or ""  # refused or empty: exactly what was typed
        return self.show(self.data)


class DateField(_TypedField):
    """A date typed day first (dd/mm/yyyy, ddmmyyyy, dd.mm.yyyy, d/m/yy, ISO...); `.data` is a date."""

    attributes = DATE_INPUT

    def parse(self, text):
        return parse_date(text)

    def show(self, value):
        return format_date(value)


class NumberField(_TypedField):
    """A whole number (15000000, 15.000.000, 15,000,000, 15 000 000); `.data` is an int. `signed=True` passes
    "-5" on to the rule that says why a negative does not do (its own message, next to the others)."""

    attributes = NUMBER_INPUT

    def __init__(self, *args, maximum: int = INT32_MAX, signed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.maximum, self.signed = maximum, signed

    def parse(self, text):
        return parse_number(text, maximum=self.maximum, signed=self.signed)

    def show(self, value):
        return format_number(value)
