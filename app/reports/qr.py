"""QR codes as inline SVG (no Pillow), for the papers the desk prints."""
from functools import lru_cache

import qrcode
import qrcode.image.svg


@lru_cache(maxsize=4096)
def qr_svg(data: str) -> str:
    """An <svg> element (no XML declaration) that encodes `data`, sized by its container.

    Kept per process: a reprinted receipt draws the same code, and drawing it cost more than the rest of
    serving the kept paper (issue 13)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):]
