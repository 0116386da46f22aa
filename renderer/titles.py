"""A creator's overlays, drawn once with Pillow and blended over every frame on the GPU: the
track's title and artist, and a logo in a corner; and the scenes' dressing: palette, background."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from deepviz.core.errors import DeepvizError
from deepviz.renderer.options import OverlayOptions, VideoOptions
from deepviz.scenes.base import SceneStyle
from deepviz.scenes.palettes import load_palette

if TYPE_CHECKING:
    from deepviz.scenes.base import SceneStyle

MAX_IMAGE_PIXELS = 4096 * 4096  # checked from the header, before the image is decoded
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


def open_image(path: str | os.PathLike, what: str, mode: str) -> Image.Image:
    """A user's image (`what`: "logo", "background") decoded into `mode`, its size checked from
    the header before decoding; one-line DeepvizError otherwise."""
    try:
        with Image.open(path) as img:
            if img.width * img.height > MAX_IMAGE_PIXELS:
                raise DeepvizError(
                    f"the {what} is {img.width}x{img.height}; at most 4096x4096", path
                )
            return img.convert(mode)
    except FileNotFoundError:
        raise DeepvizError(f"no such {what} file", path) from None
    except IsADirectoryError:
        raise DeepvizError(f"is a folder, not a {what} image", path) from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DeepvizError(f"not an image Pillow reads ({exc})", path) from None


def logo_overlay(path: str | os.PathLike, corner: str, width: int, height: int) -> Overlay:
    """The image scaled to at most a sixth of the frame's height, in `corner`."""
    logo = open_image(path, "logo", "RGBA")
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


def background_image(path: str | os.PathLike, width: int, height: int) -> np.ndarray:
    """The image cropped to the frame's aspect and scaled to fill it: (height, width, 3) uint8."""
    image = open_image(path, "background", "RGB")
    return np.asarray(ImageOps.fit(image, (width, height), Image.LANCZOS))


def scene_style(palette: str | None, background: str | None, width: int, height: int) -> SceneStyle:
    """A --palette and --background for panels width × height (checked: one line if bad)."""

    image = background_image(background, width, height) if background else None
    return SceneStyle(load_palette(palette), image)


def check_dressing(video: VideoOptions, overlay: OverlayOptions | None, scenes, console) -> None:
    """The palette, background and logo (a video's dressing) read and checked before any work,
    one line if bad; a note when --background is given but no scene draws it. (Pass no
    `overlay` where `overlays_for` reads the logo anyway.)"""
    scene_style(video.palette, video.background, 16, 16)
    if video.background and "bar" not in scenes:
        console.note(
            "deepviz: note: --background is VIZ-BAR's backdrop; VIZ-REAL draws its own sky"
        )
    if overlay is not None and overlay.logo:
        logo_overlay(overlay.logo, overlay.logo_pos, video.width, video.height)
