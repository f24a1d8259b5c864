"""Hostile input against every form: never a 500, a 4xx with words, and the database untouched.

Hypothesis posts random and adversarial values to every form-accepting endpoint: wrong types
("[]", "None", "1e309"), huge strings (10k-100k characters), unicode (emoji, RTL overrides,
combining marks, NUL, CR LF), negative, out-of-range, NaN and huge numbers, impossible dates,
missing, duplicated and unknown fields, and SQL/HTML/template injection strings.

How every example is made certainly invalid: each example *poisons* one field (sometimes a pair,
such as password + confirm) with a value that breaks that field's rule whatever the other fields
hold, e.g. an email without "@", a redness of 7, a session time after its first log. The other
fields get a mix of valid values (so the deeper checks run too) and hostile ones. So a 2xx or
3xx is itself a failure: the app accepted input that cannot be valid. For each example:

* no exception escapes (in production that is a 500), and the status is a 4xx;
* the database (every row of every table) is exactly as before the request;
* a 422 shows a field error (``class="error"``), on the poisoned field when its rule is
  checked on its own; any other 4xx is an error page with a heading;
* 413 only for a body near or over MAX_CONTENT_LENGTH, and always for one over it.

A JSON body may also be ignored, i.e. answered as the empty post is (see the baseline), as long
as nothing changes.

The forms whose only field is the CSRF token (delete, withdraw, unsubscribe), or whose only fields
are checkboxes (clinic notifications), cannot be invalid with CSRF off, so they are posted to the
CSRF-protected app with hostile tokens instead: always a 400. The mail client's one-click
unsubscribe has no token (RFC 8058): anything but List-Unsubscribe=One-Click is a plain 400.

Further tests, with the same checks: bodies of the wrong type (JSON, which Flask-WTF reads into
forms, with numbers, booleans, nulls, lists and objects, or not an object at all; multipart file
parts in text fields); valid posts to unknown ids (up to 10**40) and invite keys in the URL (404);
hostile query strings on the clinic dashboard and audit trail (200); a doubled or encoded slash
in any URL (404). Then a readable baseline per endpoint: the empty post and the answer it must get,
and a post over MAX_CONTENT_LENGTH (413). Last, a guard that every POST route of the app has its
row here.

Examples per endpoint: 25 hostile posts, 15 wrongly typed bodies, 8 unknown ids or keys (half of
each for the three endpoints whose error page is the whole patient record); 30 per query page. They
are the same on every run of `make test` and CI; `make explore` draws fresh ones (tests/conftest.py).
Every example that ever failed is tried first on every run (``always`` and ``failed_before``).
"""

import io
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.config import Config
from app.core.recovery import IMPROVEMENT_CHOICES
from app.core.vocabulary import CONTACT
from app.models import AREAS, CONCERNS, DEVICES, INVITE_PATIENT, INVITE_PRACTITIONER, Alert, AlertFlag, Photo
from app.services import password_resets, reminders, share_links, signups
from app.services.clinics import create_invite, normalise_code
from app.web.timezones import known_zones
from tests.conftest import NOW, PASSWORD, log_in

MAX_CONTENT_LENGTH = Config.MAX_CONTENT_LENGTH
PHOTO_REQUEST_MAX_BYTES = Config.PHOTO_REQUEST_MAX_BYTES  # the limit of the forms that carry a photo
STRONG = "violet-tangerine-orbit-42"  # a password zxcvbn scores 4
NEW_EMAIL = "new.person@example.com"
PATIENT_EMAIL, NEWCOMER_EMAIL, DOCTOR_EMAIL = "ada@example.com", "newcomer@example.com", "doc@example.com"
XSS = '"><script>alert(1)</script>'


def hostile_settings(max_examples):
    # One minimal failure per test: more would re-run a failing test many times. Whether examples
    # are fixed or fresh, and where failures are kept, is the profile's (tests/conftest.py).
    return settings(
        max_examples=max_examples,
        report_multiple_bugs=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


# --- Hostile values --------------------------------------------------------------------------


class _Missing:
    def __repr__(self):
        return "MISSING"


MISSING = _Missing()  # the field is left out of the post

CHARS = st.characters(exclude_categories=("Cs",))  # surrogates cannot be encoded
WRONG_TYPES = [
    "[]",
    "{}",
    "[1, 2]",
    '{"a": 1}',
    "true",
    "false",
    "True",
    "None",
    "null",
    "undefined",
    "NaN",
    "0",
    "-0",
    "1e309",
    "0x1F",
    "on",
    "off",
    "y",
]
NUMBERS = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(str),  # nan, inf, -0.0, 1e+308, 5e-324 ...
    st.sampled_from(["-1", "1.5", "1,5", "2e10", "-1e-300", "9" * 40, "9" * 5000, "inf", "-inf", "+3", "٣"]),
)
BAD_DATES = [
    "2026-02-30T10:00",
    "2026-13-01T10:00",
    "0000-01-01T00:00",
    "0001-01-01T00:00",
    "99999-01-01T00:00",
    "9999-12-31T23:59",
    "1999-12-31T23:59",
    "2101-01-01T00:00",
    "yesterday",
    "now",
    "2026-06-15T25:61",
    "2026-06-15T10:00Z",
    "2026-06-15T10:00+02:00",
    "2026-06-15T10:00:00.000",
    "15/06/2026 10:00",
    "2026-06-15",
    "10:00",
    "T",
    "",
]
INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE user; --",
    XSS,
    "{{ 7 * 7 }}",
    "{% debug %}",
    "%s%s%n",
    "../../../etc/passwd",
    "\\",
    "%",
    "_%",
    "${jndi:ldap://x}",
    "<!--",
    "]]>",
    "javascript:alert(1)",
]
UNICODE = [
    "👩🏽‍⚕️",
    "\u202egnp.exe",
    "e\u0301\u0301\u0301",
    "\x00",
    "a\x00b",
    "\r\n",
    "\u200b",
    "\ufeff",
    "\u3000",
    "𝓐𝓭𝓪",
    "ß",
    "İ",
    "ﬁ",
    "\U0010ffff",
    "مرحبا",
    "שלום",
    "\u2028",
]
HUGE_UNITS = ["A", "é", "👩🏽‍⚕️", "<b>", "%", "x@"]  # no NUL or whitespace: their length survives cleaning
HUGE = st.builds(
    lambda unit, n: (unit * n)[:n], st.sampled_from(HUGE_UNITS + ["\x00", " "]), st.integers(10_000, 100_000)
)
SMALL_HOSTILE = st.one_of(
    st.sampled_from(WRONG_TYPES),
    NUMBERS,
    st.sampled_from(BAD_DATES),
    st.sampled_from(INJECTIONS),
    st.sampled_from(UNICODE),
    st.text(CHARS, max_size=40),
)
HOSTILE = st.one_of(SMALL_HOSTILE, HUGE)
# Unknown fields, including names a careless form might copy onto a model.
EXTRA_NAMES = st.one_of(
    st.sampled_from(
        [
            "id",
            "role",
            "clinic_id",
            "patient_id",
            "user_id",
            "is_admin",
            "recorded_by_clinic_id",
            "status",
            "login_token",
            "password_hash",
            "used_at",
            "__proto__",
            "next",
            "csrf_token",
        ]
    ),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789_-[].", min_size=1, max_size=20),
)


def cleaned(raw):
    """What BaseForm's filter leaves of a submitted string."""
    return raw.replace("\x00", "")


def int_in(raw, low, high):
    try:
        return low <= int(raw) <= high
    except ValueError:
        return False


def longer_than(limit):
    """Strings longer than ``limit`` even after NUL removal and stripping."""
    return st.builds(
        lambda unit, n: (unit * n)[:n], st.sampled_from(HUGE_UNITS), st.integers(limit + 1, max(3 * limit, 10_000))
    )


def blank():
    return st.text(st.sampled_from(" \t\r\n\x00\x0b\x0c\xa0\u2028\u3000"), max_size=6)


def first_wins(bad):
    """A bad value alone, or first of a duplicated field (these fields read the first value)."""
    return st.one_of(bad, st.tuples(bad, HOSTILE).map(list))


def maybe_missing(bad):
    return st.one_of(st.just(MISSING), first_wins(bad))


def no_digits(raw):
    return not any(ch.isdigit() for ch in raw)


def fmt(moments):
    return moments.map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M"))


def between(start, end):
    return fmt(st.datetimes(min_value=start.replace(tzinfo=None), max_value=end.replace(tzinfo=None)))


# --- Certainly invalid values, one family per rule ---------------------------------------------

BAD_EMAIL_FORMS = st.one_of(
    st.sampled_from(
        [
            "not-an-email",
            "a@",
            "@example.com",
            "a@@example.com",
            "a b@example.com",
            "a@b",
            "<a@example.com>",
            "a@example..com",
        ]
    ),
    blank(),
    HOSTILE.filter(lambda raw: "@" not in raw),
    longer_than(254),
)


def bad_email(taken=()):
    """Malformed, or (for sign-ups) an address already in use in a spelling that normalises to it."""
    taken_spellings = [
        spelling for email in taken for spelling in (email, email.upper(), f"  {email}\t", f"{email}\x00")
    ]
    return maybe_missing(st.one_of(BAD_EMAIL_FORMS, *([st.sampled_from(taken_spellings)] if taken else [])))


BAD_NEW_PASSWORD = maybe_missing(
    st.one_of(st.text(CHARS, max_size=9).filter(lambda raw: len(cleaned(raw)) < 10), longer_than(128))
)
WRONG_PASSWORD = maybe_missing(
    st.one_of(
        st.sampled_from([PASSWORD.upper(), PASSWORD + " ", " " + PASSWORD, PASSWORD[:-1], PASSWORD + "\u200b"]),
        HOSTILE.filter(lambda raw: cleaned(raw) != PASSWORD),
    )
)
MISMATCHED_CONFIRM = st.fixed_dictionaries(
    {
        "password": st.just(STRONG),
        "confirm": st.one_of(st.just(MISSING), first_wins(HOSTILE.filter(lambda raw: cleaned(raw) != STRONG))),
    }
)


def required_text(limit):
    return maybe_missing(st.one_of(blank(), longer_than(limit)))


BAD_LANGUAGE = st.one_of(st.sampled_from(["ES", "fr", "es-ES", "english"]), HOSTILE).filter(
    lambda raw: raw not in ("", "en", "es")
)
BAD_ZONE = maybe_missing(
    st.one_of(st.sampled_from(["utc", "Europe/Londn", "UTC+2", "Mars/Olympus_Mons"]), HOSTILE).filter(
        lambda raw: cleaned(raw) not in known_zones()
    )
)

# Dates: one value only, as a datetime field joins duplicated values with a space.
UNPARSEABLE_DATE = st.one_of(st.sampled_from(BAD_DATES), st.text(CHARS, min_size=1, max_size=30).filter(no_digits))
BAD_PERFORMED_AT = st.one_of(
    st.just(MISSING), UNPARSEABLE_DATE, st.sampled_from(["2027-07-01T00:00", "2099-01-01T00:00", "2100-12-31T23:59"])
)
BAD_DEPTH = first_wins(
    st.one_of(
        st.sampled_from(
            [
                "-0.01",
                "3.01",
                "-1",
                "nan",
                "NaN",
                "inf",
                "-inf",
                "1e309",
                "abc",
                "1.2.3",
                "1,2,3",
                "0.5mm",
                "½",
                "3,5",
                "9" * 5000,
            ]
        ),
        st.floats().filter(lambda depth: not 0 <= depth <= 3).map(str),
        SMALL_HOSTILE.filter(lambda raw: raw.strip() != "" and no_digits(raw)),
    )
)
BAD_DEVICE = maybe_missing(
    st.one_of(st.sampled_from(["Derma_pen", "derma pen", "derma_pen ", "laser"]), HOSTILE).filter(
        lambda raw: cleaned(raw) not in DEVICES
    )
)
BAD_SERIES = first_wins(
    st.one_of(
        st.sampled_from(["0", "21", "-1", "1.5", "1e1", "twenty", "٢١", "9" * 5000]),
        st.integers().filter(lambda n: not 1 <= n <= 20).map(str),
        SMALL_HOSTILE.filter(lambda raw: raw.strip() != "" and not int_in(raw, 1, 20)),
    )
)


def bad_choices(allowed):
    """A list of ticked options with at least one that is not offered."""
    return st.lists(st.one_of(st.sampled_from(list(allowed)), SMALL_HOSTILE), min_size=1, max_size=4).filter(
        lambda values: any(value not in allowed for value in values)
    )


def bad_score(high, optional=False):
    ok = (lambda raw: raw == "" or int_in(raw, 0, high)) if optional else (lambda raw: int_in(raw, 0, high))
    single = st.one_of(
        st.sampled_from(["-1", str(high + 1), "2.5", "1e0", "٩٩", "several", "9" * 5000]),
        st.integers().filter(lambda n: not 0 <= n <= high).map(str),
        SMALL_HOSTILE.filter(lambda raw: not ok(raw)),
    )
    several = st.lists(
        st.one_of(st.sampled_from([str(n) for n in range(high + 1)]), SMALL_HOSTILE), min_size=2, max_size=3
    )  # two answers for one question: never valid
    return st.one_of(*([] if optional else [st.just(MISSING)]), single, several)


def bad_code(known_code):
    return maybe_missing(
        st.one_of(blank(), longer_than(20), HOSTILE.filter(lambda raw: normalise_code(cleaned(raw)) != known_code))
    )


NO_CONSENT = maybe_missing(st.sampled_from(["", "false"]))  # BooleanField's false values


# --- The forms --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Poison:
    """Field values that make a post certainly invalid.

    ``error_on`` names the field whose error the page must show: set when the rule is checked on
    that field alone, None when another field's error may come first (a wrong log-in password).
    """

    error_on: str | None
    values: st.SearchStrategy  # of {field name: raw value}


def poison(name, bad, error_on=True):
    return Poison(name if error_on is True else error_on, bad.map(lambda raw: {name: raw}))


@dataclass(frozen=True)
class Form:
    url: str
    actor: str | None  # "patient", "newcomer", "practitioner", or None for a visitor
    fields: dict[str, st.SearchStrategy]  # valid values of each field the form reads
    poisons: list[Poison]
    csrf: bool = False  # posted to the CSRF-protected app; the token is what is poisoned
    url_template: str | None = None  # the url with "{}" for its id or key, for the path tests
    empty_post: tuple[tuple[int, ...], tuple[str, ...]] = ((422,), ())  # baseline: statuses, fields with errors
    max_body: int = MAX_CONTENT_LENGTH  # bytes; larger answers 413
    failed_before: tuple = ()  # hostile posts (Post) that once got through: tried first on every run
    # A form with no page to show a message on (a mail client's RFC 8058 one-click post) answers a
    # bad body with the plain 400 page, whose heading is this; never "This form has expired".
    bad_request_page: str | None = None

    def url_for(self, key):
        return self.url_template.format(key)


@dataclass
class World:
    patient_id: int
    session_id: int
    log_id: int
    link_id: int
    alert_id: int
    photo_id: int
    invite_code: str
    invite_token: str
    team_token: str
    links: dict = field(default_factory=dict)  # tokens of emailed links: sign-ups of each kind, a password reset
    alert_flag_id: int = 0  # the open alert's one flag, as its page shows it
    share_link_id: int = 0  # the patient's share link to their session


def signup_fields(**more):
    """Step 1 of a sign-up: the address (a taken one is valid too: it gets an email, not a message)."""
    return {
        "email": st.sampled_from([NEW_EMAIL, "  Mixed.Case@Example.COM ", PATIENT_EMAIL]),
        "submit": st.just("Continue"),
        **more,
    }


def signup_poisons(*more):
    return [poison("email", bad_email()), *more]


def password_fields(**more):
    """Step 2 of a sign-up, or a password reset: the password twice."""
    return {
        "password": st.just(STRONG),
        "confirm": st.just(STRONG),
        "timezone": st.sampled_from(["Europe/London", "Asia/Kolkata", ""]),
        "submit": st.just("Create account"),
        **more,
    }


def password_poisons(*more):
    return [poison("password", BAD_NEW_PASSWORD), Poison("confirm", MISMATCHED_CONFIRM), *more]


SESSION_FIELDS = {
    "performed_at": st.sampled_from(["2026-06-14T05:00", "2026-06-14 05:00", "2026-06-14T05:00:00"]),
    "needle_depth_mm": st.sampled_from(["", "0.5", "1,25", "3", "0"]),
    "device": st.sampled_from(list(DEVICES)),
    "areas": st.lists(st.sampled_from(list(AREAS)), min_size=1, max_size=3, unique=True),
    "concerns": st.lists(st.sampled_from(list(CONCERNS)), max_size=3, unique=True),
    "series_number": st.sampled_from(["", "1", "20", " 3 "]),
    "notes": st.sampled_from(["", "Hyaluronic serum after.", "Piel sensible ✨"]),
    "submit": st.just("Save session"),
}
SESSION_POISONS = [
    poison("performed_at", BAD_PERFORMED_AT),
    poison("needle_depth_mm", BAD_DEPTH),
    poison("device", BAD_DEVICE),
    poison("areas", st.one_of(st.just(MISSING), bad_choices(AREAS))),
    poison("concerns", bad_choices(CONCERNS)),
    poison("series_number", BAD_SERIES),
    poison("notes", first_wins(longer_than(2000))),
]
SCORE_FIELDS = ("redness", "swelling", "peeling")
LOG_FIELDS = {
    "logged_at": st.sampled_from(["2026-06-14T10:00", "2026-06-15 11:59"]),  # or missing: "now"
    **{name: st.sampled_from([str(n) for n in range(5)]) for name in SCORE_FIELDS},
    **{name: st.sampled_from([""] + [str(n) for n in range(11)]) for name in ("pain", "itch")},
    **{name: st.just("y") for name in ("bruising", "pus", "fever", "blisters", "rash", "worse_again")},
    "improvement": st.sampled_from(list(IMPROVEMENT_CHOICES)),  # not asked before day 7: an unknown field
    "note": st.sampled_from(["", "A little tight.", "Rojo 🔴"]),
    "submit": st.just("Save log"),
}
SESSION_START = NOW - timedelta(hours=30)  # the world's session
BAD_LOGGED_AT = st.one_of(
    UNPARSEABLE_DATE,
    between(datetime(2000, 1, 1, tzinfo=NOW.tzinfo), SESSION_START - timedelta(minutes=1)),  # before the session
    between(NOW + timedelta(minutes=6), datetime(2100, 12, 31, 23, 59, tzinfo=NOW.tzinfo)),  # in the future
)
LOG_POISONS = [
    *(poison(name, bad_score(4)) for name in SCORE_FIELDS),
    *(poison(name, bad_score(10, optional=True)) for name in ("pain", "itch")),
    poison("logged_at", BAD_LOGGED_AT),
    poison("note", first_wins(longer_than(2000))),
]
BAD_TAKEN_AT = st.one_of(
    UNPARSEABLE_DATE,
    between(datetime(1900, 1, 1, tzinfo=NOW.tzinfo), SESSION_START - timedelta(days=366)),  # over a year before
    between(NOW + timedelta(minutes=6), datetime(2100, 12, 31, 23, 59, tzinfo=NOW.tzinfo)),  # in the future
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A phone is digits, spaces and + - ( ), with six digits or more; empty is allowed.
BAD_PHONE = st.one_of(
    st.sampled_from(["call me", "0207 946 0000 ext. 5", "12345", "+44 20 7946 0000#", "٠٢٠٧٩٤٦٠٠٠٠"]),
    HOSTILE.filter(lambda raw: cleaned(raw).strip() and not re.fullmatch(r"[0-9 +()-]*", cleaned(raw).strip())),
    longer_than(40),
)
BAD_OPTIONAL_EMAIL = st.one_of(
    st.sampled_from(["not-an-email", "a@", "@example.com", "a b@example.com", "<a@example.com>"]),
    HOSTILE.filter(lambda raw: cleaned(raw).strip() and "@" not in raw),
    longer_than(254),
)
# Opening hours need a colon ("09:00-17:30"); or close before they open.
BAD_HOURS = st.one_of(
    st.sampled_from(["9-5", "17:00-09:00", "24:00-25:00", "09:00", "closed"]),
    HOSTILE.filter(lambda raw: cleaned(raw).strip() and ":" not in raw),
    longer_than(20),
)
# A quiet hour is "H:MM" or "HH:MM" from 0:00 to 23:59, in ASCII digits, spaces around it ignored.
CLOCK = re.compile(r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9]")
BAD_CLOCK = maybe_missing(
    st.one_of(
        st.sampled_from(["24:00", "12:60", "9:5", "1200", "12.00", "12:00:00", "٠٩:٠٠", "9:00 pm", "+9:00", "009:00"]),
        blank(),
        longer_than(20),
        HOSTILE,
    ).filter(lambda raw: not CLOCK.fullmatch(cleaned(raw).strip()))
)
# The series plan's radios send exactly these; anything else, nothing, or two answers is no choice.
PLAN_SESSIONS, PLAN_WEEKS = ("", "3", "4", "5", "6"), ("", "4", "5", "6")


def bad_plan(accepted):
    single = st.one_of(
        st.sampled_from(["04", " 4", "4 ", "4\x00", "٤", "4.0", "2", "7", "3 sessions", "Not set", "None"]),
        SMALL_HOSTILE,
    ).filter(lambda raw: raw not in accepted)
    several = st.lists(st.one_of(st.sampled_from(accepted), SMALL_HOSTILE), min_size=2, max_size=3)
    return st.one_of(st.just(MISSING), single, several)


ONE_CLICK = "One-Click"  # RFC 8058: the body a mail client's unsubscribe button posts is List-Unsubscribe=One-Click
BAD_ONE_CLICK = maybe_missing(
    st.one_of(st.sampled_from(["one-click", "One-Click ", "OneClick", "Yes"]), HOSTILE).filter(
        lambda raw: cleaned(raw) != ONE_CLICK
    )
)
BAD_CSRF_TOKEN = [Poison(None, st.fixed_dictionaries({"csrf_token": maybe_missing(HOSTILE)}))]
CONFIRM_FIELDS = {"submit": st.just("Delete")}
NO_ERRORS_NEEDED = ()


def bad_share_choice(valid):
    """A radio answer that is none of the choices offered (NUL is dropped before the check)."""
    return maybe_missing(
        st.one_of(st.sampled_from([" series", "Series", "0", "-1", "7.0", "365", "9" * 40]), blank(), HOSTILE).filter(
            lambda raw: cleaned(raw) not in valid
        )
    )


def all_forms(world):
    """Every form-accepting POST endpoint, with the world's ids filled in."""
    s, lg, p, a = world.session_id, world.log_id, world.patient_id, world.alert_id
    scopes = ("series", str(s))
    ack, seen = f"alert-{a}-note", st.just(str(world.alert_flag_id))
    return {
        "signup": Form("/auth/signup", None, signup_fields(), signup_poisons(), empty_post=((422,), ("email",))),
        "signup_finish": Form(
            f"/auth/signup/{world.links['patient']}",
            None,
            password_fields(),
            password_poisons(),
            url_template="/auth/signup/{}",
            empty_post=((422,), ("password", "confirm")),
        ),
        "clinic_signup": Form(
            "/auth/clinic-signup",
            None,
            signup_fields(clinic_name=st.just("Glow & Co ✨"), name=st.just("Dr Ngũgĩ")),
            signup_poisons(poison("clinic_name", required_text(120)), poison("name", required_text(120))),
            empty_post=((422,), ("email", "clinic_name", "name")),
        ),
        "clinic_signup_finish": Form(
            f"/auth/clinic-signup/{world.links['clinic']}",
            None,
            password_fields(),
            password_poisons(),
            url_template="/auth/clinic-signup/{}",
            empty_post=((422,), ("password", "confirm")),
        ),
        "reset_request": Form(
            "/auth/reset-password",
            None,
            {"email": st.sampled_from([PATIENT_EMAIL, NEW_EMAIL]), "submit": st.just("Email me a link")},
            [poison("email", bad_email())],
            empty_post=((422,), ("email",)),
        ),
        "reset_password": Form(
            f"/auth/reset-password/{world.links['reset']}",
            None,
            password_fields(submit=st.just("Set new password")),
            password_poisons(),
            url_template="/auth/reset-password/{}",
            empty_post=((422,), ("password", "confirm")),
        ),
        "login": Form(
            "/auth/login",
            None,
            {
                "email": st.sampled_from([PATIENT_EMAIL, " ADA@example.com ", NEW_EMAIL]),
                "password": st.just(PASSWORD),
                "remember": st.just("y"),
                "timezone": st.sampled_from(["Europe/Paris", ""]),
                "submit": st.just("Log in"),
            },
            [poison("email", bad_email()), poison("password", WRONG_PASSWORD, error_on=None)],
            empty_post=((422,), ("email", "password")),
        ),
        "change_password": Form(
            "/auth/password",
            "patient",
            {
                "current_password": st.just(PASSWORD),
                "password": st.just(STRONG),
                "confirm": st.just(STRONG),
                "submit": st.just("Change password"),
            },
            [
                poison("current_password", WRONG_PASSWORD),
                poison("password", BAD_NEW_PASSWORD),
                Poison("confirm", MISMATCHED_CONFIRM),
            ],
            empty_post=((422,), ("current_password", "password", "confirm")),
        ),
        "timezone": Form(
            "/auth/account/timezone",
            "patient",
            {"timezone": st.sampled_from(["Europe/Berlin", "UTC"]), "submit": st.just("Save time zone")},
            [poison("timezone", BAD_ZONE)],
            empty_post=((422,), ("timezone",)),
        ),
        "language": Form(
            "/auth/account/language",
            "patient",
            {"language": st.sampled_from(["es", "en", ""]), "submit": st.just("Save language")},
            [poison("language", BAD_LANGUAGE)],
            empty_post=((302,), NO_ERRORS_NEEDED),  # nothing chosen: follow the browser's language
        ),
        "new_session": Form(
            "/sessions/new",
            "patient",
            SESSION_FIELDS,
            SESSION_POISONS,
            empty_post=((422,), ("performed_at", "device", "areas")),
        ),
        "edit_session": Form(
            f"/sessions/{s}/edit",
            "patient",
            SESSION_FIELDS,
            [
                *SESSION_POISONS,
                # Later than the session's first log (2 hours after it), within the year ahead.
                poison(
                    "performed_at", between(SESSION_START + timedelta(hours=2, minutes=1), NOW + timedelta(days=365))
                ),
            ],
            # An empty body is no form data to Flask-WTF: fields fall back to the session's own values,
            # and only the InputRequired fields (which look at what was sent) complain.
            url_template="/sessions/{}/edit",
            empty_post=((422,), ("performed_at", "device")),
        ),
        "record_session": Form(
            f"/clinic/patients/{p}/sessions/new",
            "practitioner",
            SESSION_FIELDS,
            SESSION_POISONS,
            url_template="/clinic/patients/{}/sessions/new",
            empty_post=((422,), ("performed_at", "device", "areas")),
        ),
        "new_log": Form(
            f"/sessions/{s}/logs/new",
            "patient",
            LOG_FIELDS,
            LOG_POISONS,
            url_template="/sessions/{}/logs/new",
            empty_post=((422,), SCORE_FIELDS),
            max_body=PHOTO_REQUEST_MAX_BYTES,
        ),
        # Text where the photo should be is no photo; bad files are in test_photos.py.
        "new_photo": Form(
            f"/sessions/{s}/photos/new",
            "patient",
            {
                # Before the session is allowed: a true "before" photo.
                "taken_at": st.sampled_from(["2026-06-15T11:00", "2026-06-01 09:00"]),
                "submit": st.just("Save photo"),
            },
            [poison("photo", maybe_missing(HOSTILE)), poison("taken_at", BAD_TAKEN_AT)],
            url_template="/sessions/{}/photos/new",
            empty_post=((422,), ("photo",)),
            max_body=PHOTO_REQUEST_MAX_BYTES,
        ),
        "usual_skin": Form(
            f"/sessions/{s}/usual-skin",
            "patient",
            {**{name: st.sampled_from([str(n) for n in range(5)]) for name in SCORE_FIELDS}},
            [poison(name, bad_score(4)) for name in SCORE_FIELDS],
            url_template="/sessions/{}/usual-skin",
            empty_post=((422,), SCORE_FIELDS),
        ),
        "remove_usual_skin": Form(
            f"/sessions/{s}/usual-skin/remove",
            "patient",
            {"submit": st.just("Remove my usual skin")},
            BAD_CSRF_TOKEN,
            csrf=True,
            url_template="/sessions/{}/usual-skin/remove",
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        "delete_photo": Form(
            f"/photos/{world.photo_id}/delete",
            "patient",
            CONFIRM_FIELDS,
            BAD_CSRF_TOKEN,
            csrf=True,
            url_template="/photos/{}/delete",
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        # As above, an empty body keeps the log's own values; none of its fields is InputRequired,
        # so today it saves the log unchanged (302). A 422 would be right too; a change would not.
        "edit_log": Form(
            f"/logs/{lg}/edit",
            "patient",
            LOG_FIELDS,
            LOG_POISONS,
            url_template="/logs/{}/edit",
            empty_post=((302, 422), NO_ERRORS_NEEDED),
        ),
        "delete_session": Form(
            f"/sessions/{s}/delete",
            "patient",
            CONFIRM_FIELDS,
            BAD_CSRF_TOKEN,
            csrf=True,
            url_template="/sessions/{}/delete",
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        "delete_log": Form(
            f"/logs/{lg}/delete",
            "patient",
            CONFIRM_FIELDS,
            BAD_CSRF_TOKEN,
            csrf=True,
            url_template="/logs/{}/delete",
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        "withdraw_sharing": Form(
            f"/sharing/{world.link_id}/withdraw",
            "patient",
            CONFIRM_FIELDS,
            BAD_CSRF_TOKEN,
            csrf=True,
            url_template="/sharing/{}/withdraw",
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        "new_share_link": Form(
            "/sharing/links/new",
            "patient",
            {
                "scope": st.sampled_from(scopes),
                "include_photos": st.just("y"),
                "expires_in": st.sampled_from(["1", "7", "30"]),
                "label": st.sampled_from(["", "Dr Rivera ✨", " GP "]),
                "submit": st.just("Create the link"),
            },
            [
                # Another patient's session, or one that does not exist, is no choice either.
                poison("scope", bad_share_choice(scopes)),
                poison("expires_in", bad_share_choice(("1", "7", "30"))),
                poison("label", first_wins(longer_than(80))),
            ],
            empty_post=((422,), ("scope", "expires_in")),
        ),
        "revoke_share_link": Form(
            f"/sharing/links/{world.share_link_id}/revoke",
            "patient",
            {"submit": st.just("Turn off this link")},
            BAD_CSRF_TOKEN,
            csrf=True,
            url_template="/sharing/links/{}/revoke",
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        "delete_account": Form(
            "/my-data/delete",
            "patient",
            {"password": st.just(PASSWORD), "submit": st.just("Delete my account and data")},
            [poison("password", WRONG_PASSWORD)],
            empty_post=((422,), ("password",)),
        ),
        "join_by_code": Form(
            "/join",
            None,
            {"code": st.sampled_from(["ABCD-EFGH", "k7pq 2xmb"]), "submit": st.just("Continue")},
            [poison("code", bad_code(world.invite_code))],
            empty_post=((422,), ("code",)),
        ),
        "join_consent": Form(
            f"/join/{world.invite_token}",
            "newcomer",
            {"consent": st.just("y"), "submit": st.just("Share with my clinic")},
            [poison("consent", NO_CONSENT)],
            url_template="/join/{}",
            empty_post=((422,), ("consent",)),
        ),
        "join_new_patient": Form(
            f"/join/{world.invite_token}",
            None,
            signup_fields(name=st.sampled_from(["", "Zoë"])),
            signup_poisons(poison("name", first_wins(longer_than(120)))),
            url_template="/join/{}",
            empty_post=((422,), ("email",)),
        ),
        "join_finish": Form(
            f"/join/{world.invite_token}/{world.links['invite']}",
            None,
            password_fields(consent=st.just("y"), submit=st.just("Create account and share")),
            password_poisons(poison("consent", NO_CONSENT)),
            url_template=f"/join/{world.invite_token}/{{}}",
            empty_post=((422,), ("password", "confirm", "consent")),
        ),
        "join_team": Form(
            f"/team/{world.team_token}",
            None,
            signup_fields(name=st.just("Dr Ngũgĩ")),
            signup_poisons(poison("name", required_text(120))),
            url_template="/team/{}",
            empty_post=((422,), ("email", "name")),
        ),
        "join_team_finish": Form(
            f"/team/{world.team_token}/{world.links['team']}",
            None,
            password_fields(),
            password_poisons(),
            url_template=f"/team/{world.team_token}/{{}}",
            empty_post=((422,), ("password", "confirm")),
        ),
        "invites": Form(
            "/clinic/invites",
            "practitioner",
            {
                "patient-name": st.sampled_from(["", "Zoë"]),
                "patient-submit": st.just("Create invite"),
                "colleague-submit": st.just("Create colleague invite"),
            },
            # With its button pressed, so the patient form is the one read (the colleague form cannot be wrong).
            [
                Poison(
                    "patient-name",
                    st.fixed_dictionaries(
                        {
                            "patient-name": first_wins(longer_than(120)),
                            "patient-submit": first_wins(
                                st.one_of(
                                    st.just("Create invite"), HOSTILE.filter(lambda raw: raw not in ("", "false"))
                                )
                            ),
                        }
                    ),
                )
            ],
            empty_post=((200,), NO_ERRORS_NEEDED),  # nothing was asked for: the page, and nothing created
            # Both buttons pressed, the patient form invalid: a colleague invite was created instead.
            failed_before=(
                Post(
                    {
                        "patient-name": "x" * 121,
                        "patient-submit": "Create invite",
                        "colleague-submit": "Create colleague invite",
                    },
                    "urlencoded",
                    "patient-name",
                ),
            ),
        ),
        "note": Form(
            f"/clinic/patients/{p}/notes",
            "practitioner",
            {"body": st.just("Called, all fine."), "submit": st.just("Save note")},
            [poison("body", maybe_missing(st.one_of(blank(), longer_than(5000))))],
            url_template="/clinic/patients/{}/notes",
            empty_post=((422,), ("body",)),
        ),
        # The note is optional; a post without the flags its page showed is refused beside the note.
        "acknowledge_alert": Form(
            f"/clinic/alerts/{a}/acknowledge",
            "practitioner",
            {ack: st.just("Called the patient."), f"alert-{a}-seen": seen, f"alert-{a}-submit": st.just("Acknowledge")},
            [
                poison(ack, first_wins(longer_than(2000))),
                poison(f"alert-{a}-message_to_patient", first_wins(longer_than(1000))),
            ],
            url_template="/clinic/alerts/{}/acknowledge",
            empty_post=((422,), (ack,)),
        ),
        "acknowledge_all_alerts": Form(
            f"/clinic/patients/{p}/alerts/acknowledge",
            "practitioner",
            {
                "all-alerts-note": st.just("Called the patient."),
                "all-alerts-seen": seen,
                "all-alerts-submit": st.just("Acknowledge all open alerts"),
            },
            [
                poison("all-alerts-note", first_wins(longer_than(2000))),
                poison("all-alerts-message_to_patient", first_wins(longer_than(1000))),
            ],
            url_template="/clinic/patients/{}/alerts/acknowledge",
            empty_post=((422,), ("all-alerts-note",)),
        ),
        "reminder_settings": Form(
            "/reminders",
            "patient",
            {
                "remind_by_email": st.just("y"),
                "remind_by_push": st.just("y"),
                "quiet_hours_start": st.sampled_from(["21:00", " 22:30 ", "0:00", "23:59"]),
                "quiet_hours_end": st.sampled_from(["08:00", "7:15", "21:00"]),
                "submit": st.just("Save reminder choices"),
            },
            [poison("quiet_hours_start", BAD_CLOCK), poison("quiet_hours_end", BAD_CLOCK)],
            empty_post=((422,), ("quiet_hours_start", "quiet_hours_end")),
        ),
        "create_calendar": Form(
            "/reminders/calendar",
            "patient",
            {"submit": st.just("Add reminders to your phone's calendar")},
            BAD_CSRF_TOKEN,
            csrf=True,
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        "calendar_off": Form(
            "/reminders/calendar/off",
            "patient",
            {"submit": st.just("Turn off the calendar")},
            BAD_CSRF_TOKEN,
            csrf=True,
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        "series_plan": Form(
            "/series",
            "patient",
            {
                "planned_sessions": st.sampled_from(PLAN_SESSIONS),
                "interval_weeks": st.sampled_from(PLAN_WEEKS),
                "submit": st.just("Save the plan"),
            },
            [poison("planned_sessions", bad_plan(PLAN_SESSIONS)), poison("interval_weeks", bad_plan(PLAN_WEEKS))],
            empty_post=((422,), ("planned_sessions", "interval_weeks")),
        ),
        "clinic_series_plan": Form(
            f"/clinic/patients/{p}/series",
            "practitioner",
            {
                "planned_sessions": st.sampled_from(PLAN_SESSIONS),
                "interval_weeks": st.sampled_from(PLAN_WEEKS),
                "submit": st.just("Save the plan"),
            },
            [poison("planned_sessions", bad_plan(PLAN_SESSIONS)), poison("interval_weeks", bad_plan(PLAN_WEEKS))],
            url_template="/clinic/patients/{}/series",
            empty_post=((422,), ("planned_sessions", "interval_weeks")),
        ),
        # Without logging in: the signed token in the link is the authentication.
        "unsubscribe": Form(
            f"/unsubscribe/{world.links['unsubscribe']}",
            None,
            {"submit": st.just("Unsubscribe")},
            BAD_CSRF_TOKEN,
            csrf=True,
            url_template="/unsubscribe/{}",
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        # RFC 8058: a mail client posts List-Unsubscribe=One-Click with no CSRF token (it has none;
        # the signed link is the authentication), and no person reads the answer: anything else is a
        # plain 400, with no field to put a message beside (so neither 422 nor "This form has expired").
        "one_click_unsubscribe": Form(
            f"/unsubscribe/{world.links['unsubscribe']}/one-click",
            None,
            {"List-Unsubscribe": st.just(ONE_CLICK)},
            [poison("List-Unsubscribe", BAD_ONE_CLICK, error_on=None)],
            url_template="/unsubscribe/{}/one-click",
            empty_post=((400,), NO_ERRORS_NEEDED),
            bad_request_page="Something in that request was not right",
        ),
        # Two checkboxes: nothing to get wrong with CSRF off, so the token is what is poisoned.
        "clinic_notifications": Form(
            "/clinic/notifications",
            "practitioner",
            {"notify_alerts_by_email": st.just("y"), "notify_alerts_by_push": st.just("y"), "submit": st.just("Save")},
            BAD_CSRF_TOKEN,
            csrf=True,
            empty_post=((400,), NO_ERRORS_NEEDED),
        ),
        "clinic_profile": Form(
            "/clinic/profile",
            "practitioner",
            {
                "name": st.sampled_from(["Glow Clinic", "Clínica Ngũgĩ ✨"]),
                "phone": st.sampled_from(["", "+44 (20) 7946-0000", "020 7946 0000"]),
                "email": st.sampled_from(["", "desk@glow.example"]),
                "timezone": st.sampled_from(["Europe/London", "Asia/Kolkata"]),
                **{f"hours_{day}": st.sampled_from(["", "09:00-17:30", "8:15 - 12:00"]) for day in WEEKDAYS},
                "after_hours_advice": st.sampled_from(["", "Call 111."]),
                "emergency_advice": st.sampled_from(["", "Call 999."]),
                "submit": st.just("Save clinic profile"),
            },
            [
                poison("name", required_text(120)),
                poison("phone", first_wins(BAD_PHONE)),
                poison("email", first_wins(BAD_OPTIONAL_EMAIL)),
                poison("timezone", BAD_ZONE),
                *(poison(f"hours_{day}", first_wins(BAD_HOURS)) for day in ("monday", "sunday")),
                poison("after_hours_advice", first_wins(longer_than(2000))),
                poison("emergency_advice", first_wins(longer_than(2000))),
            ],
            empty_post=((422,), ("name", "timezone")),
        ),
    }


FORM_NAMES = [
    "signup",
    "signup_finish",
    "clinic_signup",
    "clinic_signup_finish",
    "reset_request",
    "reset_password",
    "login",
    "change_password",
    "timezone",
    "language",
    "new_session",
    "edit_session",
    "record_session",
    "new_log",
    "usual_skin",
    "remove_usual_skin",
    "new_photo",
    "delete_photo",
    "edit_log",
    "delete_session",
    "delete_log",
    "withdraw_sharing",
    "new_share_link",
    "revoke_share_link",
    "delete_account",
    "join_by_code",
    "join_consent",
    "join_new_patient",
    "join_finish",
    "join_team",
    "join_team_finish",
    "invites",
    "note",
    "acknowledge_alert",
    "acknowledge_all_alerts",
    "clinic_profile",
    "reminder_settings",
    "create_calendar",
    "calendar_off",
    "series_plan",
    "clinic_series_plan",
    "unsubscribe",
    "one_click_unsubscribe",
    "clinic_notifications",
]
ID_OR_KEY_FORMS = [
    "signup_finish",
    "clinic_signup_finish",
    "reset_password",
    "edit_session",
    "record_session",
    "new_log",
    "usual_skin",
    "remove_usual_skin",
    "new_photo",
    "delete_photo",
    "edit_log",
    "delete_session",
    "delete_log",
    "withdraw_sharing",
    "revoke_share_link",
    "join_consent",
    "join_new_patient",
    "join_finish",
    "join_team",
    "join_team_finish",
    "note",
    "acknowledge_alert",
    "acknowledge_all_alerts",
    "clinic_series_plan",
    "unsubscribe",
    "one_click_unsubscribe",
]


@pytest.fixture
def world(app, db, make_clinic, make_practitioner, make_patient, make_session, make_log, share):
    """A clinic and its practitioner; a sharing patient with a session, a log and an open alert;
    a patient not yet sharing; an unused patient invite and an unused colleague invite."""
    clinic = make_clinic("Glow Clinic")
    practitioner = make_practitioner(clinic, email=DOCTOR_EMAIL)
    patient = make_patient(email=PATIENT_EMAIL, name="Ada")
    make_patient(email=NEWCOMER_EMAIL)
    # The open alert is the model's own red flag for the log, and the stored status says so, as the
    # logbook leaves them: a post that changes nothing then leaves them as they are.
    treatment = make_session(patient, hours_ago=30, status=CONTACT)
    log = make_log(treatment, hours_after=2, worse_again=True)
    link = share(patient, clinic)
    alert = Alert(clinic_id=clinic.id, patient_id=patient.id, session_id=treatment.id)
    alert.flags.append(
        AlertFlag(
            flag_key="sign_worse_again",
            severity="today",
            reason="Skin that gets worse again after getting better needs checking.",
            action="Contact your clinic today.",
        )
    )
    photo = Photo(session=treatment, taken_at=NOW, file_key="world-photo", width=4, height=3)
    db.session.add_all([alert, photo])
    db.session.commit()
    share_link, _token = share_links.create(patient, treatment, include_photos=False, days=7)
    invite, invite_token = create_invite(clinic.id, practitioner, INVITE_PATIENT, "Zoë")
    team_invite, team_token = create_invite(clinic.id, practitioner, INVITE_PRACTITIONER)
    links = {
        "patient": signups.link_token(signups.PATIENT, NEW_EMAIL),
        "clinic": signups.link_token(signups.CLINIC, NEW_EMAIL, clinic="Glow & Co", name="Dr Ngũgĩ"),
        "invite": signups.link_token(signups.INVITE, NEW_EMAIL, name="Zoë", invite=invite.id),
        "team": signups.link_token(signups.TEAM, NEW_EMAIL, name="Dr Ngũgĩ", invite=team_invite.id),
        "reset": password_resets.link_token(patient),
        "unsubscribe": unsubscribe_token(app, patient),
    }
    return World(
        patient.id,
        treatment.id,
        log.id,
        link.id,
        alert.id,
        photo.id,
        invite.code,
        invite_token,
        team_token,
        links,
        alert.flags[0].id,
        share_link.id,
    )


def unsubscribe_token(app, user):
    """The token of the reminder email's unsubscribe link, as the sender makes it."""
    with app.test_request_context():
        return urlsplit(reminders.unsubscribe_url(user, reminders.REMINDERS)).path.split("/")[2]


ACTOR_EMAILS = {"patient": PATIENT_EMAIL, "newcomer": NEWCOMER_EMAIL, "practitioner": DOCTOR_EMAIL}


class Target:
    """A form and a client logged in as its actor (a plain class: Hypothesis prints it by repr)."""

    def __init__(self, form, client):
        self.form, self.client = form, client

    def __repr__(self):
        return f"Target({self.form.url!r}, actor={self.form.actor!r}, csrf={self.form.csrf})"


def prepare(form_name, world, client, csrf_client=None):
    form = all_forms(world)[form_name]
    if form.actor:
        log_in(client, SimpleNamespace(email=ACTOR_EMAILS[form.actor]))
    if csrf_client is None:
        return Target(form, client)
    # Same secret key and database: the log-in cookie of one app is good on the other.
    if form.actor:
        csrf_client.set_cookie("session", client.get_cookie("session").value)
    return Target(form, csrf_client)


@pytest.fixture
def target(form_name, world, client, request):
    """The form under test and a client logged in as its actor (on the CSRF app for confirm-only forms)."""
    form = all_forms(world)[form_name]
    csrf_client = request.getfixturevalue("csrf_app").test_client() if form.csrf else None
    return prepare(form_name, world, client, csrf_client)


@pytest.fixture
def plain_target(form_name, world, client):
    """The form under test and a client with CSRF off, logged in as its actor."""
    return prepare(form_name, world, client)


# --- Building posts ---------------------------------------------------------------------------


def flatten(values):
    return [item for value in values for item in (value if isinstance(value, list) else [value])]


def field_value(valid, huge=False):
    """MISSING, one value, or the field repeated; valid or hostile."""
    one = HUGE if huge else st.one_of(valid, SMALL_HOSTILE)
    return st.one_of(st.just(MISSING), one, st.lists(one, min_size=2, max_size=3).map(flatten))


EXTRA_VALUE = st.one_of(SMALL_HOSTILE, st.lists(SMALL_HOSTILE, min_size=2, max_size=3))


@dataclass
class Post:
    body: dict
    encoding: str  # "urlencoded", "multipart" or "json"
    error_on: str | None = None
    files: dict = field(default_factory=dict)  # field -> (content, filename), multipart only

    def raw_size(self):
        """Bytes of the body before any encoding."""
        if self.encoding == "json":
            return len(json.dumps(self.body).encode())
        return (
            sum(len(key.encode()) for key in [*self.body, *self.files])
            + sum(len(item.encode()) for item in flatten(list(self.body.values())))
            + sum(len(content) for content, _ in self.files.values())
        )


def assemble(draw, form, value_of):
    """Each field's value (``value_of(name, valid)``), then the poison over it, then unknown fields.

    Returns the body, the field whose error must show, and the poisoned field names.
    """
    body = {}
    for name, valid in form.fields.items():
        value = draw(value_of(name, valid))
        if value is not MISSING:
            body[name] = value
    chosen = draw(st.sampled_from(form.poisons))
    poisoned = draw(chosen.values)
    for name, value in poisoned.items():
        body.pop(name, None)
        if value is not MISSING:
            body[name] = value
    known = set(form.fields) | set(poisoned)
    # At least one field always: Flask-WTF reads an empty body as no form data at all, and the
    # form then falls back to the record's own values (see the empty-post baseline).
    body = {name: value for name, value in body.items() if value not in (MISSING, [])}
    body.update(
        draw(
            st.dictionaries(
                EXTRA_NAMES.filter(lambda name: name not in known), EXTRA_VALUE, min_size=0 if body else 1, max_size=3
            )
        )
    )
    return body, chosen.error_on, set(poisoned)


@st.composite
def hostile_text_post(draw, form):
    """A urlencoded or multipart post of strings, at most one field of them huge."""
    huge_field = draw(st.one_of(st.none(), st.sampled_from(sorted(form.fields))))
    body, error_on, _ = assemble(draw, form, lambda name, valid: field_value(valid, huge=name == huge_field))
    return Post(body, draw(st.sampled_from(["urlencoded", "multipart"])), error_on)


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(), st.text(CHARS, max_size=10)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(CHARS, max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)


@st.composite
def wrongly_typed_post(draw, form):
    """A JSON body (Flask-WTF reads one into the form): an object with values of any type, or not an
    object at all; or a multipart post where some fields come as uploaded files instead of text."""
    kind = draw(st.sampled_from(["json object", "json, not an object", "file parts"]))
    if kind == "json, not an object":
        return Post(draw(JSON_VALUE.filter(lambda value: not isinstance(value, dict))), "json")
    if kind == "json object":
        body, error_on, _ = assemble(draw, form, lambda name, valid: st.one_of(st.just(MISSING), valid, JSON_VALUE))
        return Post(body, "json", error_on)
    filed = draw(st.sets(st.sampled_from(sorted(form.fields)), min_size=1))
    body, error_on, poisoned = assemble(draw, form, lambda name, valid: st.just(MISSING) if name in filed else valid)
    # A file for a poisoned field would replace its certainly-invalid value (a file is a truthy
    # value to a checkbox, for one), so poisoned fields keep theirs.
    files = {
        name: (draw(st.binary(max_size=20)), draw(st.sampled_from(["a.txt", "photo.jpg", "", "../x"])))
        for name in filed - poisoned
        if name not in body
    }
    return Post(body, "multipart", error_on, files)


def send(client, url, post):
    """POST; an exception escaping the app is what a browser would see as a 500."""
    if post.encoding == "json":
        kwargs = {"json": post.body}
    elif post.encoding == "multipart":
        values = MultiDict(post.body)  # a list is the field repeated
        for name, (content, filename) in post.files.items():
            values.add(name, FileStorage(io.BytesIO(content), filename=filename))
        # Encoded in memory: the test client would spool a big body to a file it never closes.
        boundary, payload = encode_multipart(values)
        kwargs = {"data": payload, "content_type": f"multipart/form-data; boundary={boundary}"}
    else:
        kwargs = {"data": post.body}
    try:
        return client.post(url, **kwargs)
    except Exception as error:  # noqa: BLE001 - any escaping exception is the finding
        raise AssertionError(f"POST {url} raised {type(error).__name__}: {error} (a 500 in production)") from error


# --- Checking the answer ----------------------------------------------------------------------


def snapshot(db):
    """Every row of every table, sorted: compared before and after each request."""
    state = {
        table.name: sorted((tuple(row) for row in db.session.execute(sa.select(table))), key=repr)
        for table in db.metadata.sorted_tables
    }
    db.session.rollback()  # end the read transaction: the request writes from its own session
    return state


def assert_unchanged(db, before, what):
    after = snapshot(db)
    changed = {
        name: {
            "gone": [row for row in before[name] if row not in after[name]][:3],
            "new": [repr(row)[:300] for row in after[name] if row not in before[name]][:3],
        }
        for name in before
        if before[name] != after[name]
    }
    assert not changed, f"{what} changed the database: {changed}"


def assert_refused(response, post, db, before, form):
    status, page = response.status_code, response.get_data(as_text=True)
    assert status < 500, f"answered {status}"
    if post.encoding == "json" and status in form.empty_post[0] and status < 400:
        # A page may ignore a JSON body and answer as to an empty post; but nothing may change.
        assert_unchanged(db, before, f"a JSON body ({status})")
        return
    assert 400 <= status < 500, f"answered {status}: input that cannot be valid was accepted"
    assert_unchanged(db, before, f"a refused request ({status})")
    assert XSS not in page, "a submitted script tag came back unescaped"
    size = post.raw_size()
    if size > form.max_body:
        assert status == 413, f"a body of {size} bytes answered {status}, not 413"
    if status == 413:
        # Encoding can triple the bytes, so a body near the limit may be refused; a small one may not.
        assert size > form.max_body // 4, f"413 for a body of only {size} bytes"
    if status == 422:
        assert 'class="error"' in page, "422 without a message next to a field"
        if post.error_on and post.encoding != "json":  # (a JSON body may be read as an empty form)
            assert f'id="{post.error_on}-error"' in page, f"no error shown on {post.error_on}"
    else:
        assert re.search(r"<h1>\s*\S", page), f"{status} without an error page heading"
        if status == 400 and form.bad_request_page:
            assert form.bad_request_page in page and "This form has expired" not in page
        elif status == 400:
            assert form.csrf and "This form has expired" in page, "400 for a well-formed request"
        else:
            assert status == 413, f"unexpected {status}"


# --- Tests ------------------------------------------------------------------------------------


def explore(count, strategies, check, always=()):
    """Hypothesis inside a plain test, so that the number of examples can differ per endpoint.

    ``always``: argument tuples tried first on every run (@example), so a known failure is never a
    matter of luck: every example that ever failed is kept here or in its form's ``failed_before``.
    """
    # Each endpoint its own examples and its own saved failures (as Hypothesis's pytest plugin does for
    # a parametrized @given): otherwise every endpoint would replay, and drop, another's failures.
    check._hypothesis_internal_add_digest = os.environ["PYTEST_CURRENT_TEST"].rsplit(" ", 1)[0].encode()
    test = given(*strategies)(check)
    for args in always:
        test = example(*args)(test)
    hostile_settings(count)(test)()


def examples(form, count):
    # A refused note, acknowledgement or clinic's series plan renders the whole patient record
    # (~150 ms): half as many.
    return count // 2 if re.search(r"/notes$|/acknowledge$|^/clinic/patients/\d+/series$", form.url) else count


@pytest.mark.hypothesis
@pytest.mark.parametrize("form_name", FORM_NAMES)
def test_hostile_values_are_refused_with_a_message_and_change_nothing(form_name, target, db):
    form, client = target.form, target.client

    def post_and_check(post):
        before = snapshot(db)
        assert_refused(send(client, form.url, post), post, db, before, form)

    explore(
        examples(form, 25), [hostile_text_post(form)], post_and_check, always=[(post,) for post in form.failed_before]
    )


@pytest.mark.hypothesis
@pytest.mark.parametrize("form_name", FORM_NAMES)
def test_wrongly_typed_bodies_are_refused_with_a_message_and_change_nothing(form_name, target, db):
    """Numbers, booleans, nulls, lists, objects or files where the form expects text."""
    form, client = target.form, target.client

    def post_and_check(post):
        before = snapshot(db)
        assert_refused(send(client, form.url, post), post, db, before, form)

    explore(examples(form, 15), [wrongly_typed_post(form)], post_and_check, always=wrongly_typed_failures(form))


def wrongly_typed_failures(form):
    """The wrongly typed bodies that once answered 500: JSON that is not an object; JSON with false
    and a nested list for text; and (where an empty post is refused) files in place of every field."""
    failures = [
        (Post(False, "json"),),
        (Post({name: [["x"]] if n % 2 else False for n, name in enumerate(form.fields)}, "json"),),
    ]
    if min(form.empty_post[0]) >= 400:
        failures.append((Post({}, "multipart", files=dict.fromkeys(form.fields, (b"\x00text", "a.txt"))),))
    return failures


UNKNOWN_IDS = st.one_of(
    st.just(0), st.integers(10**6, 2**31 - 1), st.integers(2**31, 2**63 - 1), st.integers(2**63, 10**40)
)


def unknown_key(world):
    """A hostile invite key or token that is not one of the world's."""
    return st.one_of(SMALL_HOSTILE, HUGE.map(lambda text: text[:5000])).filter(
        lambda key: (
            key.strip() not in ("", ".", "..")
            and key not in (world.invite_token, world.team_token)
            and normalise_code(key) != world.invite_code
        )
    )


@pytest.mark.hypothesis
@pytest.mark.parametrize("form_name", ID_OR_KEY_FORMS)
def test_hostile_ids_and_keys_in_the_url_answer_404_and_change_nothing(form_name, plain_target, world, db):
    """A valid post to an id or invite key that does not exist: 404, nothing stored anywhere."""
    form, client = plain_target.form, plain_target.client
    if form.url_template.startswith(("/join/", "/team/", "/auth/", "/unsubscribe/")):
        keys = unknown_key(world).map(lambda key: quote(key, safe=""))
        # Longer than any key; and /join/%2F0, which answered 308 (Werkzeug decodes %2F to a slash,
        # and redirected to the path with the two slashes merged).
        failed_before = ["x" * 101, quote("/0", safe="")]
    else:
        # Just past PostgreSQL's INTEGER (the id columns), and just past a 64-bit integer.
        keys, failed_before = UNKNOWN_IDS, [2**31, 2**63]
    valid_posts = st.fixed_dictionaries(form.fields).map(lambda body: Post(body, "urlencoded"))
    # The one-click unsubscribe reads its body before its link (a 400 first, as a missing CSRF token
    # is on the page's form), so its known failures are posted with the body it needs.
    least = {"List-Unsubscribe": ONE_CLICK} if form.bad_request_page else {}

    def post_and_check(url, post):
        before = snapshot(db)
        response = send(client, url, post)
        assert response.status_code == 404, f"{url} answered {response.status_code}"
        assert_unchanged(db, before, "a post to an unknown id")
        assert "Page not found" in response.get_data(as_text=True)

    explore(
        examples(form, 8),
        [keys.map(form.url_for), valid_posts],
        post_and_check,
        always=[(form.url_for(key), Post(least, "urlencoded")) for key in failed_before],
    )


# A value for each variable part of a URL: routing answers before anything is looked up.
ROUTE_VALUES = {"key": "k7pq2xmb", "token": "t0k3n", "variant": "screen", "filename": "css/app.css"}


def slash_variants(path):
    """The path with a slash after the first doubled, or followed by an encoded one (%2F, which
    Werkzeug decodes to a slash), or with an encoded slash at its end. (Werkzeug reads any number of
    leading slashes as one, so //auth/login is the log-in page, never another site.)"""
    for at in [index for index, char in enumerate(path) if char == "/" and index]:
        yield f"{path[:at]}/{path[at:]}"
        yield f"{path[: at + 1]}%2F{path[at + 1 :]}"
    if path != "/":
        yield f"{path}%2F"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_doubled_or_encoded_slash_in_any_url_answers_404(csrf_app, method):
    """On every route: 404, as for any other unknown URL; never a 308 to the path with the slashes
    merged (POST /join/%2F0 answered 308), nor a 500."""
    client, adapter = csrf_app.test_client(), csrf_app.url_map.bind("localhost")
    tried = 0
    for rule in csrf_app.url_map.iter_rules():
        if method not in rule.methods:
            continue
        path = adapter.build(rule.endpoint, {name: ROUTE_VALUES.get(name, 1) for name in rule.arguments}, method=method)
        for url in slash_variants(path):
            response = client.open(url, method=method)
            status = response.status_code
            response.close()
            if rule.endpoint == "static":
                # A public file's own path may have a slash doubled within it: the file, or 404.
                assert status in (200, 404), f"{method} {url} answered {status}"
            else:
                assert status == 404, f"{method} {url} answered {status}"
                tried += 1
    assert tried > 100


QUERY_VALUE = st.one_of(
    SMALL_HOSTILE,
    st.sampled_from(["alert", "slower", "missed", "on_track", "no_session"]),
    HUGE.map(lambda text: text[:20_000]),
)
QUERY_PAGES = {"/clinic/": ("q", "need", "page"), "/clinic/audit": ("page",)}  # the GET pages that read a query


@pytest.fixture
def practitioner_client(world, client):
    log_in(client, SimpleNamespace(email=DOCTOR_EMAIL))
    return client


@pytest.mark.hypothesis
@pytest.mark.parametrize("url", list(QUERY_PAGES))
def test_hostile_query_strings_show_the_page_and_change_nothing(url, practitioner_client, db):
    """Search, filter and page numbers of any kind: the page (200), never a 500, nothing written."""
    queries = st.dictionaries(
        st.one_of(st.sampled_from(QUERY_PAGES[url]), EXTRA_NAMES),
        st.one_of(QUERY_VALUE, st.lists(QUERY_VALUE, min_size=2, max_size=3)),
        max_size=4,
    )

    def get_and_check(query):
        before = snapshot(db)
        try:
            response = practitioner_client.get(url, query_string=query)
        except Exception as error:  # noqa: BLE001 - any escaping exception is the finding
            raise AssertionError(f"GET {url} raised {type(error).__name__}: {error} (a 500 in production)") from error
        page = response.get_data(as_text=True)
        assert response.status_code == 200, f"answered {response.status_code}"
        assert_unchanged(db, before, "a search")
        assert "<h1>" in page and XSS not in page

    # NUL (PostgreSQL refused it), a page past the database's integers, a 60,000-character LIKE pattern.
    explore(30, [queries], get_and_check, always=[({"q": "\x00"},), ({"page": "9" * 20},), ({"q": "%" * 30_000},)])


@pytest.mark.parametrize("form_name", FORM_NAMES)
def test_an_empty_and_an_oversized_post_get_the_right_answer_and_change_nothing(form_name, target, db):
    """A readable baseline: posting nothing at all, then a field of more than the form's limit."""
    form, client = target.form, target.client
    statuses, fields_with_errors = form.empty_post
    before = snapshot(db)
    response = client.post(form.url, data={})
    page, status = response.get_data(as_text=True), response.status_code
    assert status in statuses
    assert_unchanged(db, before, "an empty post")
    for name in fields_with_errors:
        assert f'id="{name}-error"' in page, f"no message on {name}"
    if status == 400:
        assert (form.bad_request_page or "This form has expired") in page
    assert ('class="error"' in page) == (status == 422)

    response = client.post(form.url, data={next(iter(form.fields)): "A" * (form.max_body + 1)})
    assert response.status_code == 413
    assert_unchanged(db, before, "an oversized post")
    assert "Too large" in response.get_data(as_text=True)


def test_every_form_accepting_post_endpoint_is_covered(app, world):
    """A new POST route fails here until it has a row in all_forms (logging out reads no form)."""
    forms = all_forms(world)
    assert set(FORM_NAMES) == set(forms)
    assert set(ID_OR_KEY_FORMS) == {name for name, form in forms.items() if form.url_template}
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(form.url, method="POST")[0] for form in forms.values()}
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    # The push subscription endpoints read JSON and answer JSON (400 {message, errors}), never a
    # page: tests/integration/test_push.py posts hostile bodies to them.
    json_only = {"push.subscribe", "push.unsubscribe"}
    assert posts - {"auth.logout", "auth.logout_everywhere"} - json_only == covered
