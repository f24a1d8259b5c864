"""Static files: fingerprinted URLs, served pre-compressed by WhiteNoise and cached for a year.

Every ``url_for('static', ...)`` gets ``?v=<content hash>``, so a changed file
has a new URL and browsers may keep each version for a year. ``make run``
pre-compresses static/ (gzip and brotli) so nothing is compressed per request.
"""

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from wsgiref.headers import Headers

from whitenoise import WhiteNoise
from whitenoise.responders import MissingFileError, StaticFile

ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _content_hash(path: Path, modified: float) -> str:
    # Keyed by modification time too, so an edited file gets a new hash without a restart.
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def fingerprint(static_folder: Path, filename: str) -> str | None:
    path = (static_folder / filename).resolve()
    if static_folder.resolve() not in path.parents or not path.is_file():
        return None
    return _content_hash(path, path.stat().st_mtime)


def _nosniff(headers, path, url):
    headers["X-Content-Type-Options"] = "nosniff"


class FreshWhiteNoise(WhiteNoise):
    """WhiteNoise that never serves a .gz or .br copy older than its file.

    A copy left from an earlier ``make run`` would otherwise hide an edit from
    every browser that accepts compression, while plain requests saw the new file.
    """

    def get_static_file(self, path, url, stat_cache=None):
        # As WhiteNoise's own, but offering only the compressed copies that are up to date.
        if stat_cache is None and not os.path.exists(path):
            raise MissingFileError(path)
        headers = Headers([])
        self.add_mime_headers(headers, path, url)
        self.add_cache_headers(headers, path, url)
        if self.add_headers_function is not None:
            self.add_headers_function(headers, path, url)
        modified = os.stat(path).st_mtime
        fresh = {
            encoding: variant
            for encoding, variant in (("gzip", path + ".gz"), ("br", path + ".br"))
            if os.path.exists(variant) and os.stat(variant).st_mtime >= modified
        }
        return StaticFile(path, headers.items(), stat_cache=stat_cache, encodings=fresh)


def register(app):
    static_folder = Path(app.static_folder)

    @app.url_defaults
    def add_fingerprint(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = fingerprint(static_folder, values["filename"])
            if version:
                values["v"] = version

    app.wsgi_app = FreshWhiteNoise(
        app.wsgi_app,
        root=str(static_folder),
        prefix="static/",
        max_age=ONE_YEAR,
        immutable_file_test=lambda path, url: True,
        add_headers_function=_nosniff,
        autorefresh=app.debug,
        allow_all_origins=False,
    )
