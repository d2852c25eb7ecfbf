"""Security headers on every answer (pages, fragments, PDFs, static files), the trusted reverse proxy,
and request values without NUL characters."""
from flask import Flask, Request, Response, current_app, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix

# Everything the app serves comes from itself: vendored htmx and fonts, our CSS, server-rendered SVG.
# No inline script or style attribute anywhere (htmx is told not to inject its indicator <style>,
# see base.html), so nothing needs 'unsafe-inline'. data: images: the receipt's QR code is a data URL.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
))

# No page needs these; a script injected despite the CSP should not get them either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=()"

# One year. No includeSubDomains: other services of the office's domain may still be plain HTTP.
STRICT_TRANSPORT_SECURITY = "max-age=31536000"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # The lookup link carries a dossier's code and PIN in its query: never hand it to another site.
    "Referrer-Policy": "same-origin",
    # Older browsers that ignore frame-ancestors: no page of ours inside another site's frame.
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def _add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # Only over TLS: a browser ignores HSTS received over plain HTTP, and a development server
    # on http://127.0.0.1 must not be pinned to HTTPS. HSTS=True (production behind a TLS proxy)
    # sends it even when the proxy forgot X-Forwarded-Proto.
    if request.is_secure or current_app.config["HSTS"]:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


class NulFreeMultiDict(ImmutableMultiDict):
    """Query and form values with their NUL characters removed.

    No person types a NUL, and PostgreSQL refuses one in any text parameter, even a search term or a
    username that is only compared: a NUL would turn a harmless lookup into a driver error (a 500).
    Forms clean the other control characters themselves (`app.vntext.nfc`).
    """

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, dict) and not isinstance(mapping, MultiDict):
            mapping = MultiDict(mapping)
        pairs = mapping.items(multi=True) if isinstance(mapping, MultiDict) else mapping
        super().__init__([(_without_nul(key), _without_nul(value)) for key, value in pairs])


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class AppRequest(Request):
    parameter_storage_class = NulFreeMultiDict


def register(app: Flask) -> None:
    app.request_class = AppRequest
    app.after_request(_add_headers)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Believe X-Forwarded-For/-Proto/-Host from that many proxies in front (nginx), so that the
        # rate limits see the citizen's address, url_for(_external=True) and the receipt's QR code
        # the public https:// name, and request.is_secure is true behind TLS termination.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
