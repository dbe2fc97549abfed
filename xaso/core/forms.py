"""What every app's screens share for forms: the design system's markup for every field, and service errors.

`XasoFormRenderer` (settings.FORM_RENDERER) renders every Django form through xaso/templates/components/form.html
and field.html: an error summary at the top linking to each field, fields grouped in fieldsets when a form
declares `fieldsets`, labels beside radios and checkboxes, hints and errors tied to the control by
aria-describedby, the empty choice of a select as "— Chọn —", dates typed as dd/mm/yyyy (FORMAT_MODULE_PATH),
file pickers labelled in Vietnamese. A form needs no markup of its own: `{{ form }}` is enough.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

#: the design system's class for each kind of control
CONTROL_CLASSES = {
    "radio": "usa-radio__input",
    "checkboxes": "usa-checkbox__input",
    "checkbox": "usa-checkbox__input",
    "select": "usa-select",
    "textarea": "usa-textarea",
    "file": "xaso-file__input",
    "input": "usa-input",
}


class XasoBoundField(BoundField):
    """A field that knows which design-system control it is and gives its widget the matching classes."""

    @property
    def kind(self) -> str:
        widget = self.field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect: ask first
            return "checkboxes"
        if isinstance(widget, forms.RadioSelect):
            return "radio"
        if isinstance(widget, forms.CheckboxInput):
            return "checkbox"
        if isinstance(widget, forms.Select):
            return "select"
        if isinstance(widget, forms.Textarea):
            return "textarea"
        if isinstance(widget, forms.FileInput):
            return "file"
        return "input"

    @property
    def is_date(self) -> bool:
        return isinstance(self.field, forms.DateField) and isinstance(self.field.widget, forms.DateInput)

    @property
    def show_when(self) -> str:
        """ "timeframe_kind:date" when the form shows this field only for that choice of another (static/xaso/ui.js)."""
        rule = getattr(self.form, "reveal", {}).get(self.name)
        return f"{rule[0]}:{rule[1]}" if rule else ""

    @property
    def current_file(self):
        """The file already stored in a model's FileField, to show beside the picker."""
        value = self.value()
        return value if value and hasattr(value, "url") else None

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        kind = self.kind
        classes = [CONTROL_CLASSES[kind], attrs.get("class", "")]
        if self.errors and kind in ("input", "select", "textarea"):
            classes.append("usa-input--error")
        if self.is_date:
            classes.append("usa-input--md")
            attrs.setdefault("inputmode", "numeric")
            attrs.setdefault("autocomplete", "off")
        attrs["class"] = " ".join(c for c in classes if c)
        if kind in ("input", "select", "textarea", "file", "checkbox") and self.auto_id:
            described = [f"{self.auto_id}_helptext"] if self.help_text or self.is_date else []
            if kind == "file":
                described.append(f"{self.auto_id}_file")
            if self.errors:
                described.append(f"{self.auto_id}_error")
            if described:
                attrs["aria-describedby"] = " ".join(described)
        return attrs


class XasoFormRenderer(TemplatesSetting):
    """Django's template renderer with the design system's form and field templates (see module docstring)."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
    bound_field_class = XasoBoundField


class DayMonthYearDateInput(forms.DateInput):
    """A text box for a date typed as 31/12/2026: a browser's type=date shows its own locale (mm/dd/yyyy)."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%d/%m/%Y")


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field when it names one, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
