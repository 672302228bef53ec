"""Flask-WTF forms: one class per screen. Location values are checked by the one validator."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import zip_longest

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from seo.core import hours
from seo.core.locations import STATUSES, intro_column
from seo.core.pages.model import language_name
from seo.core.states import STATE_NAMES
from seo.core.timezones import US_TIME_ZONES


class LoginForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=500)])
    next = HiddenField()


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class GridField(Field):
    """Many inputs, one value in the hours notation: rows read from the post become the text
    the one validator (seo.core.locations) checks. A post of the text itself (the field's own
    name, as scripts send it) is taken as it is."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(None, "" if data is unset_value else data, extra_filters)
        self.posted: list[hours.GridRow] | None = None
        self.row_errors: dict[str, list[str]] = {}
        if formdata is None:
            return
        if f"{self.name}-grid" in formdata:
            self.posted = self.read(formdata)
            self.data, self.row_errors = self.notation(self.posted)
        elif self.name in formdata:
            self.data = formdata.get(self.name, "")

    def pre_validate(self, form) -> None:
        if self.row_errors:
            general = self.row_errors.get("", [])
            count = sum(len(v) for v in self.row_errors.values())
            noun = "problem" if count == 1 else "problems"
            raise ValidationError("; ".join([f"{count} {noun}, marked below", *general]))

    def _row(self, formdata, key: str, day: str = "", name: str = "") -> hours.GridRow:
        """One row as posted. Closed ticked beside typed times means what changed: times
        typed into a day shown closed open it; Closed ticked on a day with times closes it."""
        opens = formdata.getlist(f"{self.name}-{key}-opens")
        closes = formdata.getlist(f"{self.name}-{key}-closes")
        ranges = tuple(zip_longest(opens, closes, fillvalue=""))
        closed = f"{self.name}-{key}-closed" in formdata
        if closed and any(o.strip() or c.strip() for o, c in ranges):
            if f"{self.name}-{key}-was-closed" in formdata:
                closed = False
            else:
                ranges = ()
        return hours.GridRow(key, closed, ranges, day, name)

    def rows(self) -> list[hours.GridRow]:
        """The rows to show: as posted, or else from the stored text."""
        if self.posted is not None:
            return self.posted
        try:
            return self.stored(self.data or "")
        except hours.HoursError:  # a text post the validator refused: its errors say why
            return self.stored("")


class WeekHoursField(GridField):
    """Opening hours as a day grid: each day closed or one or more ranges."""

    stored = staticmethod(hours.week_grid)
    notation = staticmethod(hours.week_notation)
    labels = hours.DAY_NAMES

    def read(self, formdata) -> list[hours.GridRow]:
        rows = [self._row(formdata, code) for code in hours.DAY_CODES]
        return hours.copy_to_weekdays(rows) if f"{self.name}-copy" in formdata else rows


class HolidaysField(GridField):
    """Dated exceptions as rows: a date, closed or ranges, and an optional name."""

    stored = staticmethod(hours.holiday_grid)
    notation = staticmethod(hours.holidays_notation)

    def read(self, formdata) -> list[hours.GridRow]:
        pattern = re.compile(rf"^{re.escape(self.name)}-h(\d+)-day$")
        numbers = sorted(int(m[1]) for key in formdata if (m := pattern.match(key)))
        return [
            self._row(
                formdata,
                f"h{n}",
                formdata.get(f"{self.name}-h{n}-day", ""),
                formdata.get(f"{self.name}-h{n}-name", ""),
            )
            for n in numbers
        ]


# The columns seo.core.locations requires: marked in the form, checked by the validator.
REQUIRED = {"required": True}


class LocationForm(FlaskForm):
    """Every locations.csv column; seo.locations.validate_location checks the values."""

    name = StringField("Name", render_kw=REQUIRED)
    slug = StringField("Slug", description="Leave empty for city-state, e.g. florissant-mo.")
    street_address = StringField("Street address", render_kw=REQUIRED)
    city = StringField("City", render_kw=REQUIRED)
    state = SelectField(
        "State",
        render_kw=REQUIRED,
        choices=[SelectChoice("", "Choose…")]
        + [SelectChoice(code, f"{code} – {n}") for code, n in STATE_NAMES.items()],
        validate_choice=False,
    )
    postal_code = StringField("ZIP code", render_kw=REQUIRED)
    phone = StringField("Phone", render_kw=REQUIRED)
    latitude = StringField("Latitude")
    longitude = StringField("Longitude")
    opening_hours = WeekHoursField(
        "Opening hours",
        description="24-hour times, e.g. 09:00 to 17:00. A range may close after midnight "
        "(18:00 to 02:00, kept on the day it opens); all day is 00:00 to 24:00. "
        "A day with no times is closed.",
    )
    special_hours = HolidaysField(
        "Holidays and special days",
        description="A date, its hours (none = closed all day) and an optional name shown "
        "to visitors, e.g. Christmas Day.",
    )
    closed_until = StringField(
        "Temporarily closed until",
        description="The reopening day, if the clinic is closed for a while; empty when open.",
        render_kw={"type": "date"},
    )
    time_zone = SelectField(
        "Time zone",
        description="Worked out from the coordinates (or the state); choose another only if "
        'that is wrong. Visitors see today\'s hours and "open now" in this zone.',
        choices=[SelectChoice("", "From the coordinates")]
        + [SelectChoice(zone, f"{zone} – {label}") for zone, label in US_TIME_ZONES.items()],
        validate_choice=False,
    )
    services = CheckboxesField("Services", description="None ticked means every service.")
    intro = TextAreaField("Introduction", description="A paragraph written for this clinic.")
    status = SelectField(
        "Status", choices=[SelectChoice(s, s) for s in STATUSES], validate_choice=False
    )
    redirect_to = StringField(
        "Successor location",
        description="For a retired location: the clinic its pages move to. Type its name or "
        "slug and pick it from the list.",
        render_kw={"list": "clinic-names", "autocomplete": "off"},
    )
    version = HiddenField()

    def raw(self) -> dict[str, str]:
        """The cells validate_location reads."""
        cells = {
            name: (field.data or "")
            for name, field in self._fields.items()
            if name not in ("services", "version", "csrf_token")
        }
        cells["services"] = ";".join(self.services.data or [])
        return cells


def location_form(languages: Sequence[str], **kwargs: object) -> LocationForm:
    """The location form with an introduction field for each language but the default
    (`kwargs` go to the form, e.g. formdata=None for one not read from the request)."""
    fields = {
        intro_column(language): TextAreaField(
            f"Introduction in {language_name(language)} ({language})",
            description="The paragraph written in this language; the clinic's pages in "
            f"{language_name(language)} exist only with it.",
        )
        for language in languages
    }
    return type("LocationFormInLanguages", (LocationForm,), fields)(**kwargs)


class RetireForm(FlaskForm):
    redirect_to = StringField(
        "Successor location (optional)",
        description="The clinic whose pages replace this one: type its name or slug and pick "
        "it from the list. Leave empty and the pages answer 410 Gone.",
        render_kw={"list": "clinic-names", "autocomplete": "off"},
    )


class UploadForm(FlaskForm):
    file = FileField("Locations file (CSV)", validators=[FileRequired("Choose a CSV file.")])
    retire_missing = BooleanField("Retire locations the file leaves out")


class PhotoUploadForm(FlaskForm):
    file = FileField(
        "Photo (JPEG, PNG, WebP or HEIC)",
        validators=[FileRequired("Choose a photo.")],
        render_kw={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"},
        description="At least 480 px wide. Location data (GPS) and other camera details "
        "are removed before anything is published.",
    )
    alt = StringField(
        "Alt text",
        description="What the photo shows, for people who cannot see it, e.g. "
        "“The clinic entrance on New Florissant Road, with a ramp beside the steps”.",
    )
    main = BooleanField("Make this the main photo (shown on the clinic's pages)")


class PhotoAltForm(FlaskForm):
    alt = StringField("Alt text")


class SectionForm(Form):
    heading = StringField("Heading")
    level = SelectField(
        "Level",
        choices=[
            SelectChoice(2, "Section"),
            SelectChoice(3, "Sub-section"),
            SelectChoice(4, "Minor"),
        ],
        coerce=int,
    )
    body = TextAreaField("Text (Markdown)")
    remove = BooleanField("Remove")


class ArticleForm(FlaskForm):
    heading_pattern = StringField("H1 pattern", validators=[Length(max=300)])
    title_pattern = StringField("Title pattern", validators=[Length(max=300)])
    description_pattern = StringField("Description pattern", validators=[Length(max=500)])
    keyword_pattern = StringField("Keyword pattern", validators=[Length(max=300)])
    article_title = StringField("Article title", validators=[Length(max=300)])
    article_intro = TextAreaField("Introduction (Markdown)")
    sections = FieldList(FormField(SectionForm), min_entries=0)
    preview_location = StringField("Preview with clinic", validators=[Optional()])


class TranslationForm(FlaskForm):
    """A service's article in another language, written beside the original."""

    name = StringField("Service name", validators=[Length(max=200)])
    heading_pattern = StringField("H1 pattern", validators=[Length(max=300)])
    title_pattern = StringField("Title pattern", validators=[Length(max=300)])
    description_pattern = StringField("Description pattern", validators=[Length(max=500)])
    keyword_pattern = StringField("Keyword pattern", validators=[Length(max=300)])
    summary = TextAreaField("Summary (shown on the home page)")
    article = TextAreaField(
        "Article (Markdown)",
        description="# Title, then ## Section headings; placeholders such as {{ city }} as in "
        "the original.",
    )


class LanguageForm(FlaskForm):
    language = StringField(
        "Language code",
        validators=[DataRequired(), Length(min=2, max=2)],
        description="Two letters (ISO 639-1), e.g. es for Spanish, fr for French.",
    )


class OverrideForm(FlaskForm):
    intro = TextAreaField(
        "Custom introduction",
        description="Replaces the clinic's introduction on this page only. Empty = the usual one.",
        validators=[Length(max=5000)],
    )
    questions = TextAreaField(
        "Extra questions and answers",
        description="A question ending in ? on one line, its answer below; "
        "a blank line between pairs.",
        validators=[Length(max=20000)],
    )
    noindex = BooleanField("Ask search engines not to index this page (noindex)")
    excluded = BooleanField("Leave this page out (it answers 404)")
