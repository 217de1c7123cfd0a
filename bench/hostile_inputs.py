"""Hostile input, tried as a curious student would: every odd file through ``load_image`` and the derived
images the app makes (model crop and display crop), each in a fresh process so its peak memory is its own;
plus a long fuzz run (valid headers of PNG, JPEG, GIF and WebP with random sizes, modes, truncation and
corruption). Prints a table: input, outcome (or the one-line refusal), MiB added to peak memory.

    PYTHONPATH=. .venv/bin/python -m bench.hostile_inputs [--fuzz 2000]

Anything but ``ImageError`` escaping, or any input adding more than 256 MiB, is reported as FAIL.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import textwrap
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
LIMIT_MIB = 256

CHILD = textwrap.dedent("""
    import json, resource, sys
    sys.path.insert(0, {repo!r})
    from densenet_viz.data import ImageError, Preprocessing, center_crop, load_image
    from densenet_viz.explain import decode_side, display_crop
    prep = Preprocessing.for_input_size(224)
    out = []
    for path in sys.argv[1:]:
        data = open(path, "rb").read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            img = load_image(data, target_side=decode_side(prep))
            center_crop(img, prep.resize_size, prep.input_size)
            display_crop(img, prep)
            outcome = "decoded " + "x".join(map(str, img.size))
        except ImageError as exc:
            outcome = "refused: " + str(exc)
        except BaseException as exc:  # noqa: BLE001 - exactly what must never happen
            outcome = "ESCAPED " + type(exc).__name__ + ": " + str(exc)[:100]
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out.append([outcome, (after - before) / 1024])
    print(json.dumps(out))
""")


def strip_png(width: int, height: int = 32) -> bytes:
    """A valid, highly compressible PNG of ``width``×``height`` (a few KB even for huge widths)."""
    raw = zlib.compress((b"\x00" + b"\x80\x40\x20" * width) * height, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def cases() -> dict[str, bytes]:
    """The named cases of issue 12 and the earlier round."""
    rng = np.random.default_rng(0)
    photo = Image.fromarray(rng.integers(0, 255, (480, 640, 3), dtype=np.uint8))
    frames = [Image.new("RGB", (64, 64), c) for c in ("red", "blue")]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    jpeg = encode(photo, "JPEG")
    return {
        "32×200,000 PNG (19 KB)": strip_png(200_000),
        "32×600,000 PNG (58 KB)": strip_png(600_000),
        "32×1,990,000 PNG": strip_png(1_990_000),
        "32×320 PNG (10:1, the limit)": strip_png(320),
        "4000×4000 PNG (16 MP, decoded in full)": strip_png(4000, 4000),
        "5000×4000 PNG (20 MP)": strip_png(5000, 4000),
        "8000×8000 PNG header (64 MP)": strip_png(8000, 8000),
        "6000×4000 JPEG (24 MP)": encode(Image.new("RGB", (6000, 4000), (200, 40, 40)), "JPEG", quality=70),
        "16-bit grey PNG 3000×3000": encode(Image.fromarray(rng.integers(0, 65535, (3000, 3000), dtype=np.uint16)),
                                            "PNG"),
        "RGBA PNG 3000×3000": encode(Image.new("RGBA", (3000, 3000), (0, 0, 255, 128)), "PNG"),
        "empty file": b"",
        "truncated JPEG": jpeg[: len(jpeg) // 2],
        "text renamed .jpg": b"not a photo\n" * 50,
        "SVG": b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>',
        "animated GIF": gif.getvalue(),
        "BMP": encode(photo, "BMP"),
        "8×8 PNG": encode(Image.new("RGB", (8, 8)), "PNG"),
    }


def fuzz_inputs(n: int, seed: int):
    """Valid headers with random sizes and modes, then truncated, corrupted, or given a huge claimed size."""
    rng = np.random.default_rng(seed)
    formats = {"PNG": ["RGB", "L", "RGBA", "P", "1", "I;16", "LA"], "JPEG": ["RGB", "L", "CMYK"],
               "GIF": ["P", "L"], "WEBP": ["RGB", "RGBA"]}
    for i in range(n):
        fmt = list(formats)[i % 4]
        mode = formats[fmt][int(rng.integers(len(formats[fmt])))]
        w, h = (int(v) for v in rng.integers(1, 600, 2))
        if mode == "I;16":
            img = Image.fromarray(rng.integers(0, 65535, (h, w), dtype=np.uint16))
        else:
            img = Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).convert(mode)
        try:
            data = bytearray(encode(img, fmt))
        except (OSError, ValueError, KeyError):
            continue
        action = i % 5
        if action == 1:
            data = data[: int(rng.integers(1, len(data)))]
        elif action == 2:
            for _ in range(int(rng.integers(1, 40))):
                data[int(rng.integers(0, len(data)))] = int(rng.integers(0, 256))
        elif action == 3 and fmt == "PNG":
            w_claim, h_claim = (int(v) for v in rng.integers(1, 2**31, 2))
            data[16:24] = w_claim.to_bytes(4, "big") + h_claim.to_bytes(4, "big")
        elif action == 4:
            data = data[:64] + bytes(rng.integers(0, 256, int(rng.integers(0, 4000)), dtype=np.uint8))
        kind = ["as is", "truncated", "corrupted", "huge header", "garbage"][action]
        yield f"fuzz {i} ({fmt} {mode} {w}×{h}, {kind})", bytes(data)


def run_child(items: list[tuple[str, bytes]], folder: Path) -> list[tuple[str, str, float]]:
    """Each input in its own process (peak memory is then the input's own)."""
    script = folder / "child.py"
    script.write_text(CHILD.format(repo=str(REPO)))
    rows = []
    for i, (name, data) in enumerate(items):
        f = folder / f"in{i}.bin"
        f.write_bytes(data)
        proc = subprocess.run([sys.executable, str(script), str(f)], capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            rows.append((name, f"ESCAPED (process died: {proc.stderr.strip().splitlines()[-1][:120]})", float("nan")))
            continue
        [(outcome, mib)] = json.loads(proc.stdout)
        rows.append((name, outcome, mib))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fuzz", type=int, default=400, help="how many fuzzed inputs (each in its own process)")
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = run_child(list(cases().items()), Path(tmp))
        fuzz = run_child(list(fuzz_inputs(a.fuzz, seed=42)), Path(tmp))
    print(f"{'input':<44} {'MiB':>6}  outcome")
    for name, outcome, mib in rows:
        print(f"{name:<44} {mib:>6.0f}  {outcome[:110]}")
    bad = [r for r in rows + fuzz if r[1].startswith("ESCAPED") or not r[2] <= LIMIT_MIB]
    decoded = sum(r[1].startswith("decoded") for r in fuzz)
    print(f"\nfuzz: {len(fuzz)} inputs, {decoded} decoded, {len(fuzz) - decoded} refused, "
          f"worst peak {max(r[2] for r in fuzz):.0f} MiB")
    for name, outcome, mib in bad:
        print(f"FAIL {name}: {outcome[:120]} ({mib:.0f} MiB)")
    print("RESULT:", "PASS" if not bad else "FAIL")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
