"""A creator's overlays, drawn once with Pillow and blended over every frame on the GPU: the
track's title and artist, and a logo in a corner."""

from __future__ import annotations

import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from deepviz.errors import DeepvizError
from deepviz.renderer.options import OverlayOptions

MAX_LOGO_PIXELS = 4096 * 4096  # checked from the header, before the image is decoded
Overlay = tuple[np.ndarray, int, int]  # RGBA (h, w, 4), x and y of its top-left corner


def title_overlay(title: str, artist: str, width: int, height: int) -> Overlay | None:
    """Title over artist, white with a soft shadow, at the lower left of a width × height frame."""
    if not title and not artist:
        return None
    big = ImageFont.load_default(size=max(12, height // 18))
    small = ImageFont.load_default(size=max(10, height // 30))
    margin = max(8, height // 24)
    lines = [(t, f, a) for t, f, a in ((title, big, 250), (artist, small, 210)) if t]
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    boxes = [probe.textbbox((0, 0), t, font=f) for t, f, _ in lines]
    w = min(width - 2 * margin, max(b[2] for b in boxes) + 8)
    h = sum(b[3] for b in boxes) + 8 * len(lines) + 8
    if w < 16 or h > height // 3:  # a frame too small for a readable title: leave it out
        return None
    text = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw, y = ImageDraw.Draw(text), 4
    for (t, font, alpha), box in zip(lines, boxes):
        draw.text((4, y), t, font=font, fill=(255, 255, 255, alpha))
        y += box[3] + 8
    shadow = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    shadow.putalpha(text.getchannel("A").filter(ImageFilter.GaussianBlur(max(2, height // 240))))
    img = Image.alpha_composite(shadow, text)
    return np.asarray(img), margin, height - margin - h


def logo_overlay(path: str | os.PathLike, corner: str, width: int, height: int) -> Overlay:
    """The image scaled to at most a sixth of the frame's height, in `corner`."""
    try:
        with Image.open(path) as img:
            if img.width * img.height > MAX_LOGO_PIXELS:
                raise DeepvizError(f"the logo is {img.width}x{img.height}; at most 4096x4096", path)
            logo = img.convert("RGBA")
    except FileNotFoundError:
        raise DeepvizError("no such logo file", path) from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DeepvizError(f"not an image Pillow reads ({exc})", path) from None
    logo.thumbnail((max(8, width // 4), max(8, height // 6)), Image.LANCZOS)
    margin = max(8, height // 24)
    x = margin if corner.endswith("left") else width - margin - logo.width
    y = margin if corner.startswith("top") else height - margin - logo.height
    return np.asarray(logo), x, y


def overlays_for(opts: OverlayOptions | None, audio, width: int, height: int) -> list[Overlay]:
    """The overlays of one video of `audio` (the title from its tags unless given)."""
    if opts is None:
        return []
    found = [title_overlay(*opts.texts(audio), width, height)]
    if opts.logo:
        found.append(logo_overlay(opts.logo, opts.logo_pos, width, height))
    return [o for o in found if o is not None]
