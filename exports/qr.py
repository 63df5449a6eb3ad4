"""QR codes for help routes and pairing texts, made offline (and kept, for the kiosk's cards)."""

from __future__ import annotations

import io
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

__all__ = ["cached_qr", "qr_png"]


def qr_png(text: str, *, box_size: int = 8, border: int = 2) -> bytes:
    """PNG bytes of a QR code for ``text`` (a URL), dark on white for any phone camera."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    qr.add_data(text)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()


@lru_cache(maxsize=64)
def cached_qr(url: str) -> bytes:
    """:func:`qr_png` with default sizes, made once per URL (help cards are drawn often)."""
    return qr_png(url)
