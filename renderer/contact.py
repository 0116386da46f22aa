"""A batch at a glance: one labelled still of each video in a grid, one band per subfolder."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

from deepviz.core.files import atomic_path

THUMB_W, THUMB_H = 320, 180
COLUMNS = 5
PAD, CAPTION, HEADER = 8, 22, 30
BACKGROUND, INK, MUTED = (18, 18, 22), (235, 235, 235), (150, 150, 160)


def video_still(path: str | os.PathLike, at: float = 0.4) -> Image.Image | None:
    """The first frame at `at` of the video's length, as a thumbnail; None when unreadable."""

    try:
        with av.open("file:" + os.fspath(path)) as c:
            stream = c.streams.video[0]
            if c.duration:
                c.seek(int(c.duration * at), any_frame=False)
            frame = next(c.decode(stream))
            img = frame.to_image()
    except (av.error.FFmpegError, IndexError, StopIteration, OSError):
        return None
    img.thumbnail((THUMB_W, THUMB_H))
    return img


def _groups(rows: Sequence[dict], folder: Path) -> dict[str, list[dict]]:
    """Rows by the subfolder their video is in ('' for the top of the output folder)."""
    groups: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda r: r["output"]):
        rel = (
            Path(row["output"]).relative_to(folder)
            if Path(row["output"]).is_relative_to(folder)
            else Path(Path(row["output"]).name)
        )
        groups.setdefault(str(rel.parent) if str(rel.parent) != "." else "", []).append(row)
    return groups


def contact_sheet(rows: Sequence[dict], folder: Path) -> Image.Image:
    """The grid image: a header per subfolder, then its videos' stills with their names."""
    groups = _groups(rows, folder)
    cols = min(COLUMNS, max((len(g) for g in groups.values()), default=1))
    tile_w, tile_h = THUMB_W + PAD, THUMB_H + CAPTION + PAD
    height = PAD + sum(HEADER + math.ceil(len(g) / cols) * tile_h for g in groups.values())
    sheet = Image.new("RGB", (PAD + cols * tile_w, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    font, small = ImageFont.load_default(size=18), ImageFont.load_default(size=13)
    y = PAD
    for name, members in groups.items():
        draw.text((PAD, y + 4), f"{name or folder.name}  ({len(members)})", font=font, fill=INK)
        y += HEADER
        for k, row in enumerate(members):
            x, ty = PAD + (k % cols) * tile_w, y + (k // cols) * tile_h
            still = video_still(row["output"]) if row["status"] != "failed" else None
            if still is not None:
                sheet.paste(still, (x + (THUMB_W - still.width) // 2, ty))
            else:
                draw.rectangle((x, ty, x + THUMB_W - 1, ty + THUMB_H - 1), outline=MUTED)
            label = Path(row["file"]).stem[:40] + (" (failed)" if row["status"] == "failed" else "")
            draw.text((x, ty + THUMB_H + 3), label, font=small, fill=INK if still else MUTED)
        y += math.ceil(len(members) / cols) * tile_h
    return sheet


def write_contact_sheet(rows: Sequence[dict], folder: Path, out: Path) -> Path | None:
    """contact-sheet.png of the videos in `rows`, written atomically; None when there are none."""

    if not rows:
        return None
    sheet = contact_sheet(rows, folder)
    with atomic_path(out) as tmp:
        sheet.save(tmp, format="PNG")
    return out
