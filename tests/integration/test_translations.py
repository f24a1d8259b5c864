"""Every string a reader sees is translated: the Spanish catalogue is complete, and no page lets one escape.

The catalogue is checked against what `make translations` would extract from the code now. Every
page is then rendered in a pseudo-locale whose catalogue, built here from those same strings,
wraps each translation in ⟦ ⟧: after the wrapped parts and the record's own data are taken out,
a word left on a page is a string that escaped translation.
"""

import functools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.services import reminders, signups
from app.web.timezones import known_zones
from tests.integration import test_access_matrix as matrix
from tests.integration.test_access_matrix import (
    A_EMAIL,
    A_LOG_NOTE,
    A_NAME,
    A_SESSION_NOTE,
    ACTORS,
    ANONYMOUS,
    B_EMAIL,
    MATRIX,
    PATIENT_A,
)

# The access matrix's record (two patients, two clinics, a session, a log, a photo, an alert) and its clients.
world, client_as = matrix.world, matrix.client_as

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SPANISH = PROJECT_ROOT / "app" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
PSEUDO = "eo"  # a locale Babel knows (dates format), that Afterglow has no translation for
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


@functools.cache
def extracted_messages():
    """{msgid: msgid or (singular, plural)}: every marked string of the code and templates, as babel.cfg says."""
    with open(PROJECT_ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    messages = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PROJECT_ROOT),
        method_map,
        options_map,
        keywords=keywords,
        directory_filter=lambda path: not Path(path).name.startswith((".", "_")) and Path(path).name != "node_modules",
    ):
        messages[message[0] if isinstance(message, tuple) else message] = message
    return messages


@functools.cache
def spanish_catalogue():
    with open(SPANISH, "rb") as po:
        return read_po(po)


def as_tuple(text):
    return text if isinstance(text, tuple) else (text,)


def message_key(message):
    """A message's msgid (its singular, for one with plurals)."""
    return as_tuple(message.id)[0]


def test_every_string_marked_in_the_code_has_a_spanish_translation():
    catalogue = spanish_catalogue()
    missing = sorted(msgid for msgid in extracted_messages() if catalogue.get(msgid) is None)
    assert not missing, f"not in messages.po (run `make translations`): {missing[:20]}"
    untranslated = sorted(
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalogue
        if message.id
        and (message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string]))
    )
    assert not untranslated, f"untranslated or fuzzy in messages.po: {untranslated[:20]}"


def test_the_spanish_catalogue_holds_no_string_the_code_no_longer_uses():
    extracted = extracted_messages()
    unused = sorted(
        key
        for message in spanish_catalogue()
        if message.id and (key := message.id if isinstance(message.id, str) else message.id[0]) not in extracted
    )
    assert not unused, f"in messages.po but no longer in the code (run `make translations`): {unused[:20]}"


def named_placeholders(text):
    return {found for found in PLACEHOLDER.findall(text) if found.startswith("%(")}


def test_each_spanish_translation_keeps_the_placeholders_of_its_english():
    wrong = []
    for message in spanish_catalogue():
        if not message.id:
            continue
        # A plural's Spanish forms follow its English ones: singular with singular, plural with plural.
        for english, spanish in zip(as_tuple(message.id), as_tuple(message.string), strict=True):
            if named_placeholders(spanish) != named_placeholders(english):
                wrong.append((english, spanish))
    assert not wrong, wrong[:10]


# -- The pseudo-locale -------------------------------------------------------------------------------

# What a translation may carry unchanged: placeholders, HTML tags and entities.
_KEEP = re.compile(r"(%\(\w+\)[sdif]|%[sdif%]|<[^>]*>|&#?\w+;)")
_ACCENTED = str.maketrans("aeiouAEIOUcnyCNY", "áéíóúÁÉÍÓÚçñýÇÑÝ")


def pseudo(text):
    """'⟦Séssíóñ óf %(date)s⟧': the same sentence, visibly translated, placeholders and tags intact."""
    parts = _KEEP.split(text)
    return "⟦" + "".join(part if i % 2 else part.translate(_ACCENTED) for i, part in enumerate(parts)) + "⟧"


@pytest.fixture(scope="session")
def pseudo_translations(tmp_path_factory):
    """A compiled catalogue for the pseudo-locale holding every extracted string."""
    folder = tmp_path_factory.mktemp("pseudo-translations")
    catalogue = Catalog(locale=PSEUDO)
    for message in extracted_messages().values():
        if isinstance(message, tuple):
            catalogue.add(message[:2], (pseudo(message[0]), pseudo(message[1])))
        else:
            catalogue.add(message, pseudo(message))
    target = folder / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, catalogue)
    return folder


@pytest.fixture
def app_config(pseudo_translations):
    return {
        "LANGUAGES": {"en": "English", "es": "Español", PSEUDO: "Pseudo"},
        "BABEL_TRANSLATION_DIRECTORIES": str(pseudo_translations),
    }


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text outside scripts and styles, and the attributes read aloud."""

    READ_ALOUD = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [attrs[name] for name in self.READ_ALOUD if attrs.get(name)]
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data)


def _pseudo_locale_words():
    """Words Babel writes for dates in the pseudo-locale (month and day names, day periods)."""
    locale = Locale.parse(PSEUDO)
    names = set()
    for table in (locale.months, locale.days):
        for context in table.values():
            for width in context.values():
                names.update(str(name) for name in width.values())
    for context in locale.day_periods.values():
        for width in context.values():
            names.update(str(name) for name in width.values())
    return {word.lower().strip(".") for name in names for word in name.split()}


DATE_WORDS = _pseudo_locale_words()
_WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# The record's own data (names, notes, clinics, emails) and what is never translated: the brand, units, zones.
DATA = (
    A_NAME,
    "Ben Beta",
    A_EMAIL,
    B_EMAIL,
    A_SESSION_NOTE,
    A_LOG_NOTE,
    "Clinic One",
    "Clinic Two",
    "Dr One",
    "Dr Two",
    "Redder again on day 3.",
    "Call today.",
    # Each language is named in itself on the account page.
    "English",
    "Español",
    "Pseudo",
)
ZONES = known_zones()  # time zones keep their IANA names
UNTRANSLATED_WORDS = {
    "Afterglow",
    "UTC",
    "mm",
    "Europe",
    "London",
    "PDF",
    "CSV",
    "JSON",
    "FHIR",
    "iCal",
    "Android",
    "iPhone",
}


def escaped_words(html):
    """The words of a page that came through no translation."""
    parser = VisibleText()
    parser.feed(html)
    # One text for the page: a translation with a tag inside (<strong>) spans several parts.
    text = " ".join(parser.parts)
    for data in DATA:
        text = text.replace(data, " ")
    while _WRAPPED.search(text):  # a translation may hold another one (a placeholder's value)
        text = _WRAPPED.sub(" ", text)
    text = " ".join(token for token in text.split() if token.strip(".,:;()") not in ZONES)
    text = re.sub(r"\S+@\S+|https?://\S+|/\S*", " ", text)  # emails, links, paths
    return {
        word
        for word in _WORD.findall(text)
        if word not in UNTRANSLATED_WORDS and word.lower().strip(".") not in DATE_WORDS
    }


def pages_of_the_matrix(actor):
    """Every HTML page of the access matrix the actor may open (sorted: a failure names the same page each run)."""
    not_pages = (".csv", ".jpg", ".json", ".ics")
    return sorted(
        {
            url
            for method, url, *answers in MATRIX
            if method == "GET"
            and not url.split("?")[0].endswith(not_pages)
            and dict(zip(ACTORS, answers, strict=True))[actor] == 200
        }
    )


# Pages no matrix row opens with a 200: the visitor's pages and the emailed links' pages.
VISITOR_PAGES = [
    "/",
    "/auth/login",
    "/auth/signup",
    "/auth/clinic-signup",
    "/auth/reset-password",
    "/auth/reset-password/not-a-real-link",
    "/auth/signup/not-a-real-link",
    "/join",
    "/join/not-a-real-key",
    "/team/not-a-real-key",
    "/offline",
    "/no-such-page",
]


@pytest.fixture
def pseudo_client(client_as):
    def make(actor):
        client = client_as(actor)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = PSEUDO
        return client

    return make


def untranslated(response, url):
    """What is wrong with a page in the pseudo-locale: a 5xx, a wrong lang, words that escaped translation."""
    html = response.get_data(as_text=True)
    if response.status_code >= 500:
        return f"{url}: {response.status_code}"
    if f'<html lang="{PSEUDO}">' not in html:
        return f"{url}: not in the pseudo-locale"
    escaped = escaped_words(html)
    return f"{url}: words that escaped translation: {sorted(escaped)}" if escaped else None


def assert_translated(response, url):
    problem = untranslated(response, url)
    assert problem is None, problem


# One test per actor, every page in turn (the record is built once), every problem reported together.
@pytest.mark.parametrize("actor", ACTORS)
def test_every_page_is_translated_in_the_pseudo_locale(world, pseudo_client, actor):
    client = pseudo_client(actor)
    problems = []
    for url in pages_of_the_matrix(actor):
        response = client.get(url.format(**world.ids))
        assert response.status_code == 200, url
        problems.append(untranslated(response, url))
    assert pages_of_the_matrix(actor), "no page to check"
    assert not any(problems), "\n".join(filter(None, problems))


def test_every_visitors_page_is_translated_in_the_pseudo_locale(world, pseudo_client):
    client = pseudo_client(ANONYMOUS)
    problems = [untranslated(client.get(url), url) for url in VISITOR_PAGES]
    assert not any(problems), "\n".join(filter(None, problems))


def test_the_emailed_links_pages_are_translated_in_the_pseudo_locale(app, world, pseudo_client):
    client = pseudo_client(ANONYMOUS)
    with app.test_request_context():
        signup = signups.link_token(signups.PATIENT, "new.person@example.com")
        unsubscribe = reminders.unsubscribe_url(world.users[PATIENT_A], "reminders")
    assert_translated(client.get(f"/auth/signup/{signup}"), "signup link")
    assert_translated(client.get(urlsplit(unsubscribe).path), "unsubscribe")


@pytest.mark.parametrize(
    "url, data",
    [
        ("/auth/login", {"email": "not an email"}),
        ("/auth/signup", {"email": ""}),
        ("/sessions/new", {}),
        ("/sessions/{session}/logs/new", {"redness": "9"}),
    ],
)
def test_form_errors_are_translated_in_the_pseudo_locale(world, pseudo_client, url, data):
    actor = ANONYMOUS if url.startswith("/auth") else PATIENT_A
    response = pseudo_client(actor).post(url.format(**world.ids), data=data)
    assert response.status_code == 422
    assert_translated(response, url)
