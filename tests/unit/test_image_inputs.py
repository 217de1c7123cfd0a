"""Every kind of bad or unusual upload: a clear ImageError message, or a correct conversion to RGB."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from densenet_viz.data import MAX_PIXELS, MIN_SIDE, ImageError, load_image, safe_name


def encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def photo(w: int = 80, h: int = 64, seed: int = 0) -> Image.Image:
    return Image.fromarray((np.random.default_rng(seed).random((h, w, 3)) * 255).astype(np.uint8))


def animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (64, 64), c) for c in ("red", "blue", "green")]
    buf = io.BytesIO()
    frames[0].save(buf, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


def big_blank_png(w: int, h: int) -> bytes:
    # A decompression bomb: a few kilobytes that would decode into a huge pixel buffer.
    return encode(Image.new("1", (w, h)), "PNG", optimize=True)


JPEG = encode(photo(), "JPEG", quality=90)
PNG = encode(photo(), "PNG")

BAD_INPUTS = {
    "empty": (b"", "empty"),
    "truncated jpeg": (JPEG[: len(JPEG) // 2], "damaged or truncated"),
    "truncated png": (PNG[: len(PNG) // 2], "damaged or truncated"),
    "random bytes": (bytes(np.random.default_rng(1).integers(0, 256, 3000, dtype=np.uint8)), "not an image"),
    "jpeg header, garbage body": (JPEG[:20] + bytes(np.random.default_rng(2).integers(0, 256, 4000, dtype=np.uint8)),
                                  "not an image|damaged"),
    "text renamed .jpg": (b"Dear teacher,\nthis is not a photo.\n" * 30, "not an image"),
    "svg": (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
            b'<circle cx="32" cy="32" r="30" fill="yellow"/></svg>', "SVG"),
    "svg without xml prolog": (b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>', "SVG"),
    "animated gif": (animated("GIF"), "animated GIF"),
    "animated png": (animated("PNG"), "animated"),
    "animated webp": (animated("WEBP"), "animated"),
    "decompression bomb (over Pillow's limit)": (big_blank_png(20_000, 20_000), "too many pixels"),
    "huge dimensions (over our limit)": (big_blank_png(9_000, 8_000), "megapixel limit"),
    "8x8": (encode(photo(8, 8), "PNG"), "only 8×8"),
    "tiny jpeg strip": (encode(photo(400, 10), "JPEG"), "only 400×10"),
}


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_inputs_give_a_clear_message(kind):
    data, expected = BAD_INPUTS[kind]
    with pytest.raises(ImageError) as info:
        load_image(data)
    message = str(info.value)
    assert re.search(expected, message), message
    assert "Traceback" not in message and len(message) < 200
    # Also through a file-like object (what st.file_uploader gives).
    with pytest.raises(ImageError):
        load_image(io.BytesIO(data))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ImageError, match="cannot read"):
        load_image(tmp_path / "nope.jpg")
    with pytest.raises(ImageError, match="cannot read"):
        load_image(tmp_path)


def test_size_limits_at_their_edges():
    # The smallest side accepted, and one pixel less.
    assert load_image(encode(Image.new("RGB", (MIN_SIDE, MIN_SIDE + 5), "red"), "PNG")).size == (MIN_SIDE,
                                                                                               MIN_SIDE + 5)
    with pytest.raises(ImageError) as small:
        load_image(encode(Image.new("RGB", (MIN_SIDE - 1, MIN_SIDE + 5), "red"), "PNG"))
    assert small.value.code == "image.too_small"
    # A 12-megapixel phone photo is read (decoded at a reduced scale); one pixel over the limit is refused
    # from its header (a 1-bit PNG: a few MiB to make, never decoded).
    phone = load_image(encode(Image.new("RGB", (4000, 3000), (200, 180, 40)), "JPEG", quality=80))
    assert phone.size[0] / phone.size[1] == pytest.approx(4 / 3, rel=0.01)
    side = int(MAX_PIXELS ** 0.5)
    with pytest.raises(ImageError) as big:
        load_image(encode(Image.new("1", (side + 1, side)), "PNG"))
    assert big.value.code in ("image.too_many_pixels", "image.bomb")


# ------------------------------------------------------------------------------------ conversions
def test_16_bit_png_is_scaled_by_bit_depth():
    ramp = (np.arange(64 * 64).reshape(64, 64) * 16).astype(np.uint16)  # 0 … 65520
    img = load_image(encode(Image.fromarray(ramp), "PNG"))
    assert img.mode == "RGB" and img.size == (64, 64)
    arr = np.asarray(img)
    assert arr[0, 0, 0] == 0 and arr[-1, -1, 0] == 255
    np.testing.assert_allclose(arr[..., 0], ramp / 65535 * 255, atol=1)
    dark = np.full((40, 40), 200, np.uint16)  # a dark 16-bit image stays dark (not stretched by its max)
    assert np.asarray(load_image(encode(Image.fromarray(dark), "PNG"))).max() <= 1


def test_cmyk_jpeg_becomes_rgb_with_the_right_colours():
    red = Image.new("RGB", (64, 64), (220, 30, 30))
    img = load_image(encode(red.convert("CMYK"), "JPEG", quality=95))
    assert img.mode == "RGB"
    r, g, b = np.asarray(img).reshape(-1, 3).mean(axis=0)
    assert r > 180 and g < 70 and b < 70


def test_grayscale_becomes_three_equal_channels():
    gray = Image.fromarray(np.tile(np.arange(64, dtype=np.uint8) * 4, (48, 1)), "L")
    for fmt in ("PNG", "JPEG"):
        arr = np.asarray(load_image(encode(gray, fmt)))
        assert arr.shape == (48, 64, 3)
        assert np.array_equal(arr[..., 0], arr[..., 1]) and np.array_equal(arr[..., 1], arr[..., 2])


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparency_is_composited_on_white(mode):
    rgba = Image.new("RGBA", (50, 40), (0, 0, 255, 255))
    rgba.paste((0, 0, 0, 0), (0, 0, 25, 40))  # left half fully transparent
    src = rgba.convert("LA") if mode == "LA" else rgba
    data = encode(src.convert("P") if mode == "P" else src, "PNG", **({"transparency": 0} if mode == "P" else {}))
    arr = np.asarray(load_image(data))
    assert arr.shape == (40, 50, 3)
    assert tuple(arr[20, 5]) == (255, 255, 255)  # transparent → white, not black
    if mode == "RGBA":
        assert tuple(arr[20, 45]) == (0, 0, 255)


def test_webp_and_single_frame_formats_load():
    for fmt in ("WEBP", "PNG", "JPEG", "BMP"):
        assert load_image(encode(photo(), fmt)).size == (80, 64), fmt


def test_exif_orientation_is_honoured():
    img = Image.new("RGB", (80, 40), (255, 0, 0))
    img.paste((0, 0, 255), (0, 0, 40, 40))  # left half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    out = load_image(encode(img, "JPEG", exif=exif, quality=95))
    assert out.size == (40, 80)  # upright: portrait
    top = np.asarray(out)[5, 20]
    assert top[2] > 200 and top[0] < 60  # the blue half is now on top


def test_large_jpeg_uses_draft_decoding():
    big = Image.fromarray(np.random.default_rng(0).integers(0, 255, (1500, 2000, 3), dtype=np.uint8))
    data = encode(big, "JPEG", quality=80)
    small = load_image(data, target_side=300)
    assert min(small.size) >= 300 and small.size[0] <= 1000  # decoded at 1/2 … 1/4 scale, not full size
    assert load_image(data).size == (2000, 1500)


# ------------------------------------------------------------------------------------ file names
HOSTILE = [
    "<img src=x onerror=alert(1)>.jpg",
    "<script>alert('x')</script>.png",
    "[click me](javascript:alert(1)).jpg",
    "**bold** _it_ `code` #head.jpg",
    "../../etc/passwd",
    "C:\\Users\\x\\..\\evil<b>.jpg",
    "name\nwith\nnewlines\r.jpg",
    "\u202egpj.exe",
    "a" * 500 + ".jpg",
    "",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_are_made_safe(name):
    safe = safe_name(name)
    assert safe and len(safe) <= 80
    assert not set(safe) & set("<>[]`*#\\/\n\r\"'&=\u202e!|{}")
    assert "javascript:" not in safe


def test_ordinary_names_survive():
    assert safe_name("IMG_2041 (1).jpg") == "IMG_2041 (1).jpg"
    assert safe_name("/tmp/photos/向日葵.png") == "向日葵.png"
