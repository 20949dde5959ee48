"""Security headers on every response; the CSP allows nothing inline and nothing from another host.

Also: HSTS when the base URL is https, ``Cache-Control: no-store`` on the pages that show personal data, the
refusal of a request whose Host header is not trusted, and the trusted reverse proxies (``PROXY_COUNT``).
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import SecurityError

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


#: pages that show personal data (profile, my data, accounts, the registrar's tools, password resets): never
#: kept by a browser's or a proxy's cache; each prefix covers itself and what lies below it
NO_STORE_PREFIXES = ("/profile", "/admin/users", "/registrar", "/reset", "/reset-code")


def is_private_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in NO_STORE_PREFIXES)


def trust_proxies(app) -> None:
    """Behind ``PROXY_COUNT`` reverse proxies, take the client's address and scheme from X-Forwarded-For and
    X-Forwarded-Proto (the rate limits then count people, not the proxy). 0 leaves the app as it is: those
    headers, which anyone can send, are then ignored."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=0, x_port=0, x_prefix=0)


def refuse_untrusted_host():
    """Flask checks the Host header against ``TRUSTED_HOSTS`` while it routes and keeps the refusal as the
    routing error; raise it before any other hook (CSRF, rate limits, sign-in) reads the request."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception


def set_security_headers(response):
    headers = response.headers
    max_age = int(current_app.config.get("HSTS_MAX_AGE") or 0)
    if max_age > 0 and current_app.config["BASE_URL"].startswith("https://"):
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    if is_private_path(request.path):
        headers["Cache-Control"] = "no-store"
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    vary = headers.get("Vary", "")
    if "HX-Request" not in vary:
        headers["Vary"] = (vary + ", " if vary else "") + "HX-Request"
    return response
