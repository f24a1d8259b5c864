"""Translation in the pure core: Flask-Babel's gettext when the app has loaded it, English otherwise.

The core must not import Flask (tests/unit/test_core_purity.py), and flask_babel imports it. So the
words go through these three functions, which use flask_babel only if something above the core has
already imported it, and only inside an app context; elsewhere (unit tests, scripts) they give the
English text. Text built per call uses `gettext`/`ngettext`; module-level words use `lazy_gettext`,
translated each time they are turned into a string, so no language is kept for the next request.
"""

from __future__ import annotations

import sys


def _babel():
    """flask_babel if the app loaded it and an app context is active, else None."""
    babel = sys.modules.get("flask_babel")
    flask = sys.modules.get("flask")
    if babel is None or flask is None or not flask.has_app_context():
        return None
    return babel


def gettext(string: str, **variables) -> str:
    """`string` in the current locale, with its %(name)s placeholders filled in."""
    babel = _babel()
    if babel is not None:
        return babel.gettext(string, **variables)
    return string % variables if variables else string


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural form for `num` in the current locale; %(num)d is filled in too."""
    babel = _babel()
    if babel is not None:
        return babel.ngettext(singular, plural, num, **variables)
    variables.setdefault("num", num)
    return (singular if num == 1 else plural) % variables


_ = gettext


class LazyText(str):
    """Words translated each time they are read, so a module-level constant follows each request's language.

    A str whose own characters are the English text: code that reads them without turning the
    object into a string (json, pydantic, str.join) gets English rather than an error; str(),
    f-strings, % and Jinja get the current locale's words.
    """

    def __new__(cls, string: str, variables: dict):
        self = super().__new__(cls, string % variables if variables else string)
        self._msgid = string
        self._variables = variables
        return self

    def __str__(self) -> str:
        return gettext(self._msgid, **self._variables)

    def __reduce__(self):
        return (LazyText, (self._msgid, self._variables))

    def __copy__(self):
        return self  # immutable, like str

    def __deepcopy__(self, memo):
        return self

    def __repr__(self) -> str:
        return f"l{str(self)!r}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __len__(self) -> int:
        return len(str(self))

    def __iter__(self):
        return iter(str(self))

    def __contains__(self, item) -> bool:
        return item in str(self)

    def __getitem__(self, key):
        return str(self)[key]

    def __add__(self, other):
        return str(self) + str(other)

    def __radd__(self, other):
        return str(other) + str(self)

    def __mod__(self, other):
        return str(self) % other

    def __eq__(self, other) -> bool:
        return str(self) == (str(other) if isinstance(other, str) else other)

    def __ne__(self, other) -> bool:
        return not self == other

    def __lt__(self, other) -> bool:
        return str(self) < str(other)

    def __hash__(self) -> int:
        return hash(str(self))


# The str methods pages use on words (lower() inside a sentence, ...) act on the translated text.
for _name in (
    "lower", "upper", "capitalize", "title", "casefold", "strip", "split", "replace", "startswith",
    "endswith", "format", "encode", "join", "partition", "splitlines",
):  # fmt: skip
    setattr(LazyText, _name, lambda self, *args, _name=_name, **kwargs: getattr(str(self), _name)(*args, **kwargs))


def lazy_gettext(string: str, **variables) -> LazyText:
    """`string`, translated each time it is read."""
    return LazyText(string, variables)


_l = lazy_gettext
