"""Request metrics (count and time by Flask endpoint) and ``/metrics``, readable only with the scrape token.

``/metrics`` answers only ``Authorization: Bearer <METRICS_TOKEN>``. With no token configured, or a
missing or wrong one, it answers 404 exactly as an unknown URL does: it reveals nothing, not even
that it exists. nginx refuses it from outside as well (docs/deploy.md).
"""

import hmac
import time

from flask import abort, current_app, request

from app.extensions import csrf, limiter
from app.services import metrics
from app.web.request_log import ENVIRON_START


def _authorised():
    token = current_app.config.get("METRICS_TOKEN")
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), str(token).encode())


@csrf.exempt
@limiter.exempt
def scrape():
    if not _authorised():
        abort(404)
    body, content_type = metrics.exposition()
    return body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"}


def register(app):
    app.add_url_rule("/metrics", "metrics", scrape)

    @app.after_request
    def count_request(response):
        started = request.environ.get(ENVIRON_START)
        seconds = time.perf_counter() - started if started is not None else 0.0
        metrics.observe_request(request.endpoint, request.method, response.status_code, seconds)
        return response
