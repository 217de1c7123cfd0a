"""Small, metadata-free images for sharing: a photo or its Grad-CAM overlay, at most 256 px a side.

JPEG, not PNG: photos and heat-map overlays are continuous-tone, where JPEG at quality 85 is 10-30 kB for
256×256 and PNG 100-150 kB; the board of a full room loads hundreds of them. There is no alpha to keep
(alpha is flattened over white), and JPEG artefacts at this quality do not show at thumbnail size.
"""

from __future__ import annotations

import io

from PIL import Image

from ..data import load_image, to_rgb

JPEG_QUALITY = 85


def make_thumbnail(image: Image.Image | bytes, max_side: int = 256) -> bytes:
    """A JPEG of ``image`` scaled down to fit ``max_side`` (never up), re-encoded from its pixels alone:
    no EXIF (GPS, camera, time), ICC profile, comment or other metadata survives.

    Bytes are decoded safely and turned upright by their EXIF orientation (``data.load_image``; an
    ``ImageError`` says what is wrong with a bad file); a PIL image is taken as it is shown.
    """
    img = load_image(bytes(image), target_side=max_side) if isinstance(image, (bytes, bytearray)) else to_rgb(image)
    img = img.copy() if img is image else img  # thumbnail() works in place: never shrink the caller's image
    img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", img.size)  # a fresh image: nothing of the source's info dict comes along
    clean.paste(img)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
