"""A QR code of the join link, for the teacher to project."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

MAX_URL_CHARS = 1000  # a join link is short; a longer one would make a QR code too dense to scan from the back


def qr_png(url: str) -> bytes:
    """A black-on-white PNG QR code of ``url`` (error correction M: survives a glare spot on a projector)."""
    if not url or len(url) > MAX_URL_CHARS:
        raise ValueError(f"a QR link must have 1 to {MAX_URL_CHARS} characters, not {len(url)}")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out)
    return out.getvalue()
