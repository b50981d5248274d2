"""Form rendering helpers for components/field.html and components/form_errors.html (WCAG 2.2: required
fields marked in the label, errors summarised and linked). See docs/accessibility.md."""

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def marked_label(field: forms.BoundField) -> SafeString:
    """The field's <label> (a <legend> for a group of radios or boxes), with a visible * when it is required.

    The * is hidden from screen readers, which announce the control's own ``required``; the form says
    what * means above its fields (components/form.html)."""
    tag = field.legend_tag if field.use_fieldset else field.label_tag
    if not field.field.required or not field.label:
        return tag()
    suffix = field.field.label_suffix if field.field.label_suffix is not None else field.form.label_suffix
    contents = field.label
    if suffix and contents[-1] not in _(":?.!"):
        contents = format_html("{}{}", contents, suffix)
    return tag(format_html('{} <span class="required-mark" aria-hidden="true">*</span>', contents), label_suffix="")


@register.filter
def has_required(form: forms.BaseForm) -> bool:
    """Whether any field a person sees is required (then the form explains the *)."""
    return any(field.field.required for field in form.visible_fields())


@register.filter
def error_target(field: forms.BoundField) -> str:
    """The element id an error summary links to: the control, or the group around radios and boxes."""
    return field.id_for_label or field.auto_id or ""


@register.filter
def fields_in_error(form: forms.BaseForm) -> list[forms.BoundField]:
    """The visible fields with an error, in the form's order (the error summary links each)."""
    return [field for field in form.visible_fields() if field.errors]
