"""Form fields drawn the GOV.UK way, for every form on the site (edit, move, log in, sign up,
passwords): `{% error_summary form %}` at the top of a form with errors, each linked to its
field, and `{% form_field form.name %}` for one field with its label, hint, error message and a
red border, the input described by the hint and the error for screen readers.

Django renders the input; this only adds `aria-describedby`, `aria-invalid` and a class.
"""

from django import template

register = template.Library()


def _ids(field) -> dict:
    base = field.auto_id or field.html_name
    return {"hint": f"{base}-hint", "error": f"{base}-error"}


@register.inclusion_tag("includes/form_field.html")
def form_field(field, hint_html: str = ""):
    """One field. `hint_html` (trusted markup) replaces the field's help text as its hint."""
    ids = _ids(field)
    hint = hint_html or field.help_text
    described = [ids["hint"]] if hint else []
    attrs = {}
    if field.errors:
        described.append(ids["error"])
        attrs["aria-invalid"] = "true"
        attrs["class"] = "field__input--error"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return {
        "field": field,
        "widget": field.as_widget(attrs=attrs),
        "is_checkbox": field.widget_type == "checkbox",
        "hint": hint,
        "ids": ids,
    }


@register.inclusion_tag("includes/error_summary.html")
def error_summary(form, first_field: str = ""):
    """ "There is a problem" and every error of `form`, each a link to its field. Errors of the
    whole form link to `first_field` (or the form's first visible field)."""
    visible = [field for field in form.visible_fields()]
    target = first_field or (visible[0].auto_id if visible else "")
    if first_field and first_field in form.fields:
        target = form[first_field].auto_id
    errors = [(f"#{target}" if target else "", error) for error in form.non_field_errors()]
    for field in visible:
        errors.extend((f"#{field.auto_id}", _naming(field.label, error)) for error in field.errors)
    return {"errors": errors}


def _naming(label: str, error: str) -> str:
    """ "Username: this field is required." — the summary sits away from the field, so each
    line says which field it is about (an error starting with an acronym keeps its capitals)."""
    if not label:
        return error
    if error[:2].istitle() or error[:1].islower():
        error = error[:1].lower() + error[1:]
    return f"{label}: {error}"
