"""Security headers on every answer (pages, fragments, PDFs, static files), the trusted reverse proxy,
and request values without NUL characters."""
from ipaddress import ip_address, ip_network

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


FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")


def trusted_networks(setting) -> list:
    """TRUSTED_PROXIES, "127.0.0.1,::1" or "10.0.0.5,10.0.1.0/24": the proxies' addresses (empty or 0: none)."""
    text = str(setting or "").strip()
    if text in ("", "0"):
        return []
    try:
        return [ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise ValueError(f"TRUSTED_PROXIES phải là danh sách địa chỉ IP hoặc mạng của proxy, "
                         f"cách nhau bởi dấu phẩy (ví dụ 127.0.0.1,::1): {error}") from None


class TrustedProxyFix:
    """X-Forwarded-For/-Proto/-Host believed only when the request comes from a trusted proxy.

    nginx appends the address it saw to X-Forwarded-For, so the last entry is the client's; anything
    before it was typed by the client. Whoever reaches gunicorn directly (another machine of the LAN
    on an app server bound to 0.0.0.0) gets its headers removed: it cannot pose as another address to
    the rate limits, the PIN budget or the audit log.
    """

    def __init__(self, wsgi_app, networks: list) -> None:
        self.wsgi_app = wsgi_app
        self.through_proxy = ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1)
        self.networks = networks

    def is_trusted(self, address: str | None) -> bool:
        try:
            peer = ip_address(address or "")
        except ValueError:
            return False
        return any(peer in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.is_trusted(environ.get("REMOTE_ADDR")):
            return self.through_proxy(environ, start_response)
        for header in FORWARDED_HEADERS:
            environ.pop(header, None)
        return self.wsgi_app(environ, start_response)


def register(app: Flask) -> None:
    app.request_class = AppRequest
    app.after_request(_add_headers)
    # Always wrapped, even with no proxy configured: then every X-Forwarded-* is dropped. Behind a
    # trusted proxy the rate limits see the citizen's address, url_for(_external=True) and the
    # receipt's QR code the public https:// name, and request.is_secure is true behind TLS termination.
    app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted_networks(app.config["TRUSTED_PROXIES"]))
