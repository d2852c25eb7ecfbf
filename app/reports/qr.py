"""QR codes as inline SVG (no Pillow), for the papers the desk prints."""
import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> str:
    """An <svg> element (no XML declaration) that encodes `data`, sized by its container."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):]
