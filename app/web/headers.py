"""HTTP security headers and proxy awareness: what every response tells the browser."""

from flask import request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app.site.routes import OFFLINE_COPY_HEADER

# Scripts only from this site, never inline. Styles also allow inline because
# plotly.js sets the styles of the charts it draws; no script can run from them.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=31536000; includeSubDomains"


def register(app):
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        # Behind a load balancer: trust its X-Forwarded-For/-Proto so HTTPS is seen as HTTPS.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=(), payment=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # No other site may load our answers (photos above all) as images or scripts, even from a cache.
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if current_user.is_authenticated and request.endpoint != "static":
            # Health data: never kept by a shared cache, nor shown again by Back after logging out.
            headers["Cache-Control"] = "private, no-store"
            if current_user.is_patient and request.blueprint == "patient" and request.method == "GET":
                # A patient's own pages may be kept on their phone for offline use, until log-out;
                # a clinic's pages about its patients never are.
                headers[OFFLINE_COPY_HEADER] = "keep"
        return response
