"""The installable app's service worker and offline page; liveness and readiness for load balancers.

``GET /healthz`` answers as long as the process serves requests: it touches
nothing, so it stays the load benchmark's bare baseline. ``GET /readyz``
answers 200 only when this server can really save (app.services.readiness),
and says why not (503) otherwise, so a balancer stops sending patients to a
server whose database went read-only, whose disk failed or whose photo
bucket cannot be reached.
"""

import hashlib

from flask import make_response, render_template, url_for

from app.services.readiness import database_write_problem, photo_store_problem
from app.site import bp

PLAIN = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

# Set on a page the service worker may keep for offline use (app.web.headers decides which).
OFFLINE_COPY_HEADER = "Afterglow-Offline-Copy"

SHELL_FILES = (
    "css/app.css",
    "css/noscript.css",
    "js/app.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "manifest.webmanifest",
)


@bp.route("/sw.js")
def service_worker():
    shell_urls = [url_for("static", filename=name) for name in SHELL_FILES]
    version = hashlib.sha256("".join(shell_urls).encode()).hexdigest()[:12]
    response = make_response(
        render_template("site/sw.js", shell_urls=shell_urls, version=version, keep_header=OFFLINE_COPY_HEADER)
    )
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"  # browsers must notice a new worker at once
    return response


@bp.route("/offline")
def offline():
    return render_template("site/offline.html")


@bp.route("/healthz")
def healthz():
    return "ok", 200, PLAIN


@bp.route("/readyz")
def readyz():
    problem = database_write_problem() or photo_store_problem()
    if problem:
        return f"not ready: {problem}", 503, PLAIN
    return "ready", 200, PLAIN
