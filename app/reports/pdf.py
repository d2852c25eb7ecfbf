"""HTML to PDF with WeasyPrint: the vendored Be Vietnam Pro font, loaded once per process, and local files only."""
import threading
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = (Path(__file__).resolve().parent.parent / "static").resolve()
STATIC_URL = STATIC_DIR.as_uri() + "/"

# The WOFF files (WeasyPrint 70 reads WOFF, not WOFF2). Each weight comes in three subsets that
# together cover Vietnamese. The three files carry the same internal font name, so under one
# family WeasyPrint mixes their glyphs up in the PDF: each subset gets its own family, and
# FONT_FAMILY lists them so that every character falls back to the subset that has it.
_SUBSET_FAMILIES = {
    "latin": "Be Vietnam Pro Latin",
    "latin-ext": "Be Vietnam Pro Latin Ext",
    "vietnamese": "Be Vietnam Pro Vietnamese",
}
FONT_FAMILY = ", ".join(f"'{family}'" for family in _SUBSET_FAMILIES.values()) + ", sans-serif"
_WEIGHTS = (400, 600, 700)


class ForbiddenFetch(ValueError):
    """WeasyPrint was asked for something that is not a file under app/static/."""


class LocalFilesFetcher(URLFetcher):
    """Serves `data:` URLs and files under app/static/ only; refuses everything else.

    The PDF never reaches the network or our own server: a template that names an http(s) URL,
    or a file outside the static folder, stops the rendering (fail_on_errors) instead of fetching it.
    """

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(STATIC_DIR) and path.is_file():
                return URLFetcherResponse(path.as_uri(), path.read_bytes())
        raise ForbiddenFetch(f"Không tải tài nguyên ngoài thư mục static khi in PDF: {url}")


def _font_faces_css() -> str:
    rules = []
    for weight in _WEIGHTS:
        for subset, family in _SUBSET_FAMILIES.items():
            rules.append(
                f"@font-face {{ font-family: '{family}'; font-style: normal; font-weight: {weight}; "
                f"src: url('fonts/be-vietnam-pro-{subset}-{weight}-normal.woff') format('woff'); }}"
            )
    return "\n".join(rules)


@lru_cache(maxsize=1)
def _fonts() -> tuple[FontConfiguration, CSS]:
    """The font configuration and the @font-face stylesheet, built once per process."""
    font_config = FontConfiguration()
    stylesheet = CSS(string=_font_faces_css(), base_url=STATIC_URL, url_fetcher=LocalFilesFetcher(),
                     font_config=font_config)
    return font_config, stylesheet


# One rendering at a time per process. The font configuration (a Pango font map over fontconfig) is
# shared by every rendering, and Pango/fontconfig are not safe to drive from several threads at once:
# WeasyPrint users report crashes under threaded WSGI servers (Kozea/WeasyPrint#167, #684, #1402), and
# our load test once lost a gthread worker to heap corruption. The cost is small: a paper takes
# 0.1–0.5 s, and other threads keep answering pages meanwhile.
_RENDER_LOCK = threading.Lock()


def render_pdf(html: str) -> bytes:
    """The PDF of `html`; relative URLs in it resolve against app/static/ (e.g. `css/print.css`)."""
    with _RENDER_LOCK:
        font_config, fonts_stylesheet = _fonts()
        document = HTML(string=html, base_url=STATIC_URL, url_fetcher=LocalFilesFetcher())
        return document.write_pdf(stylesheets=[fonts_stylesheet], font_config=font_config)
