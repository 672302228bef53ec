"""Flask-WTF forms: one class per screen. Location values are checked by the one validator."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
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
from wtforms.validators import DataRequired, Length, Optional

from seo.core.locations import STATE_NAMES, STATUSES, intro_column
from seo.core.pages.model import language_name
from seo.core.timezones import US_TIME_ZONES


class LoginForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=500)])
    next = HiddenField()


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LocationForm(FlaskForm):
    """Every locations.csv column; seo.locations.validate_location checks the values."""

    name = StringField("Name")
    slug = StringField("Slug", description="Leave empty for city-state, e.g. florissant-mo.")
    street_address = StringField("Street address")
    city = StringField("City")
    state = SelectField(
        "State",
        choices=[SelectChoice("", "Choose…")]
        + [SelectChoice(code, f"{code} – {n}") for code, n in STATE_NAMES.items()],
        validate_choice=False,
    )
    postal_code = StringField("ZIP code")
    phone = StringField("Phone")
    latitude = StringField("Latitude")
    longitude = StringField("Longitude")
    opening_hours = StringField(
        "Opening hours",
        description="For example Mo-Fr 09:00-17:00; Sa 09:00-12:00. Past midnight: "
        "Fr 18:00-02:00; all day: Mo-Su 00:00-24:00",
    )
    special_hours = StringField(
        "Special hours",
        description="Dated exceptions, each with an optional name shown to visitors: "
        "2026-12-24 09:00-12:00 Christmas Eve; 2026-12-25 closed Christmas Day",
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
        "Successor location", description="For a retired location: the slug its pages move to."
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


def location_form(languages: Sequence[str]) -> LocationForm:
    """The location form with an introduction field for each language but the default."""
    fields = {
        intro_column(language): TextAreaField(
            f"Introduction in {language_name(language)} ({language})",
            description="The paragraph written in this language; the clinic's pages in "
            f"{language_name(language)} exist only with it.",
        )
        for language in languages
    }
    return type("LocationFormInLanguages", (LocationForm,), fields)()


class RetireForm(FlaskForm):
    redirect_to = StringField(
        "Successor location (optional)",
        description="The slug of the clinic whose pages replace this one, e.g. st-louis-mo. "
        "Leave empty and the pages answer 410 Gone.",
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
    preview_location = StringField("Preview for location (slug)", validators=[Optional()])


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
