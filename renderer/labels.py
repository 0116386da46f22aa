"""Panel labels, drawn once with Pillow; the canvas blends them over the frame on the GPU."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont


def grid_shape(n: int) -> tuple[int, int]:
    """(columns, rows) of the most square grid holding n panels, wider than tall."""
    cols = math.ceil(math.sqrt(n))
    return cols, math.ceil(n / cols)


def label_image(text: str, width: int, height: int) -> tuple[np.ndarray, int, int]:
    """A label for a width × height panel: (RGBA image of its box, x, y of the box in the panel)."""
    probe = ImageDraw.Draw(Image.new("RGBA", (1, 1)))
    size = max(8, height // 14)
    while True:  # shrink until the label fits the panel's width
        font = ImageFont.load_default(size=size)
        box = probe.textbbox((0, 0), text, font=font)
        pad = max(2, size // 3)
        if box[2] - box[0] + 4 * pad <= width or size <= 8:
            break
        size -= 1
    w = min(width - pad, pad * 2 + box[2] - box[0] + 1)
    h = min(height - pad, pad * 2 + box[3] - box[1] + 1)
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=pad, fill=(0, 0, 0, 150))
    draw.text((pad - box[0], pad - box[1]), text, font=font, fill=(255, 255, 255, 235))
    return np.asarray(img), pad, pad
