"""The installable app: the service worker (served from the site's root so it covers every page)."""

import hashlib

from flask import Blueprint, make_response, render_template, url_for

bp = Blueprint("pwa", __name__)

# Set on a page the service worker may keep for offline use (app.security decides which).
OFFLINE_COPY_HEADER = "Afterglow-Offline-Copy"

SHELL_FILES = ("css/app.css", "css/noscript.css", "js/app.js", "icons/icon.svg", "icons/icon-192.png",
               "manifest.webmanifest")


@bp.route("/sw.js")
def service_worker():
    shell_urls = [url_for("static", filename=name) for name in SHELL_FILES]
    version = hashlib.sha256("".join(shell_urls).encode()).hexdigest()[:12]
    response = make_response(render_template("pwa/sw.js", shell_urls=shell_urls, version=version,
                                             keep_header=OFFLINE_COPY_HEADER))
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"  # browsers must notice a new worker at once
    return response


@bp.route("/offline")
def offline():
    return render_template("pwa/offline.html")
