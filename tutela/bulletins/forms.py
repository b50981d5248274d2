from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tutela.core import files
from tutela.partners.models import Commitment, Organisation

from .models import LANGUAGES, Bulletin, MailingList, Subscriber

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
MAX_IMPORT_SECONDS = 60
IMPORT_COLUMNS = ["email", "name", "language", "topics", "consent", "consent_source"]
TOPIC_CHOICES = [("pillars", _("The five pillars")), ("events", _("Events")), ("documents", _("Documents")),
                 ("consultations", _("Consultations")), ("figures", _("Figures")), ("training", _("Training"))]


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    lists = forms.ModelMultipleChoiceField(label=_("Lists"), queryset=MailingList.objects.none(),
                                           widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, initial="en")
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=TOPIC_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    consent = forms.BooleanField(label=_("I agree to receive these bulletins by e-mail and can unsubscribe at any time."),
                                 required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["lists"]).queryset = MailingList.objects.filter(public_signup=True)


class ManageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=TOPIC_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    lists = forms.ModelMultipleChoiceField(label=_("Lists I receive"), queryset=MailingList.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, subscriber: Subscriber | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mine = list(subscriber.subscriptions.values_list("mailing_list_id", flat=True)) if subscriber else []
        cast(forms.ModelMultipleChoiceField, self.fields["lists"]).queryset = (MailingList.objects.filter(public_signup=True)
                                         | MailingList.objects.filter(pk__in=mine)).distinct()


class ManageRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class ListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(label=_("Address name"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=MailingList.Kind.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    public_signup = forms.BooleanField(label=_("Anyone may subscribe (double opt-in)"), required=False)
    is_private = forms.BooleanField(label=_("Private archive"), required=False)


class BulletinForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 14}), required=False,
                           help_text=_("Paragraphs, # headings, - lists, **bold**, *emphasis*, [label](/path or https://…). "
                                       "HTML is shown as text."))
    blocks = forms.MultipleChoiceField(label=_("Blocks from the records"), choices=Bulletin.Block.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    blocks_since = forms.DateField(label=_("Records published since"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=TOPIC_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("None: everyone on the list. Otherwise those who follow one of these "
                                                   "topics, and those who chose no topic."))
    organisations = forms.ModelMultipleChoiceField(label=_("Sent by (co-branding)"),
                                                   queryset=Organisation.objects.order_by("name"), required=False)
    commitment = forms.ModelChoiceField(label=_("Commitment it fulfils"),
                                        queryset=Commitment.objects.select_related("agreement"), required=False)



class SendForm(forms.Form):
    send_at = forms.DateTimeField(label=_("Send at (empty: now)"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Columns: %(c)s. “consent” must say yes on every line.") % {"c": ", ".join(IMPORT_COLUMNS)})
    dry_run = forms.BooleanField(label=_("Dry run: check only, save nothing"), required=False, initial=True)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 5 MB; split it."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        try:
            files.check_table(upload, name, import_limits())
        except files.FileProblem as exc:
            raise ValidationError(exc.message) from exc
        return upload


def import_limits() -> files.Limits:
    return files.Limits.default(rows=MAX_IMPORT_ROWS, seconds=MAX_IMPORT_SECONDS)


def read_rows(upload: Any, *, name: str) -> list[dict[str, Any]]:
    """Rows of a subscriber file keyed by the lower-cased header, read within ``import_limits``."""
    limits = import_limits()
    stream = upload.file if hasattr(upload, "file") else upload
    fmt = files.check_table(stream, name, limits)
    with files.open_table(stream, fmt, limits) as (header, lines):
        keys = [str(h or "").strip().lower() for h in header]
        rows = [dict(zip(keys, cells, strict=False)) for _number, cells in lines]
    stream.seek(0)
    if "consent" not in keys:
        raise ValidationError(_("The file has no “consent” column. Add one (yes for each person who agreed to "
                                "receive the bulletins); nobody was imported."))
    unknown = set(keys) - set(IMPORT_COLUMNS) - {""}
    if unknown:
        raise ValueError(_("unknown columns %(c)s") % {"c": ", ".join(sorted(unknown))})
    return [r for r in rows if any(v not in (None, "") for v in r.values())]


class _Dated(forms.ModelChoiceField):
    """A record in a choice list with its date, so the right occurrence can be told from the others."""

    def __init__(self, *args: Any, date_attr: str, **kwargs: Any) -> None:
        self.date_attr = date_attr
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        when: Any = getattr(obj, self.date_attr, None)
        if isinstance(when, datetime):
            when = when.date()
        return f"{when.isoformat() if when else '—'} · {obj}"


class CommitmentDeliveryForm(forms.Form):
    """Which one record delivered the commitment (the service refuses none or several, with a sentence)."""

    activity = _Dated(label=_("Activity"), queryset=None, required=False, date_attr="starts_on",
                      help_text=_("Activities an agreement party took part in, newest first."))
    document = _Dated(label=_("Coordination document"), queryset=None, required=False, date_attr="document_date")
    bulletin = _Dated(label=_("Bulletin sent"), queryset=None, required=False, date_attr="sent_at")
    delivered_on = forms.DateField(label=_("Delivered on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text=_("Leave empty for the record's own date."))

    def __init__(self, *args: Any, candidates: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in candidates.items():
            cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset
        if not candidates["bulletin"].exists():
            del self.fields["bulletin"]
