"""A creator's look: palettes (built-in and JSON), VIZ-BAR's background image, look files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import invoke

from deepviz.cli import main
from deepviz.core.errors import DeepvizError
from deepviz.scenes import create_context
from deepviz.scenes.bar import PALETTE, BarScene
from deepviz.scenes.base import SceneStyle
from deepviz.scenes.palettes import PALETTES, hex_colour, load_palette, read_palette
from deepviz.scenes.real import RealScene

W, H = 160, 90


@pytest.fixture(scope="module")
def ctx():
    context = create_context()
    yield context
    context.release()


def frame(ctx, cls, values, style=None) -> np.ndarray:
    scene = cls(ctx, W, H, seed=1, style=style)
    try:
        scene.update(np.asarray(values, np.float32), 1 / 30)
        return np.frombuffer(scene.frame(), np.uint8).reshape(H, W, 3).astype(int)
    finally:
        scene.release()


def bar_pixel(img: np.ndarray, i: int) -> np.ndarray:
    """Bar i's colour in the middle of its body (slot layout of bargeom.glsl, all bars full)."""
    width = min(W / H * 0.86, 1.6)
    x = (0.5 * (W / H - width) + (i + 0.5) * width / 10) * H
    return img[int(H * (1 - 0.22 - 0.4 * 0.66)), int(x)]


def test_the_default_palette_is_the_papers_picture(ctx):
    values = np.linspace(0.1, 0.9, 10)
    for cls in (BarScene, RealScene):
        plain = frame(ctx, cls, values)
        assert np.array_equal(plain, frame(ctx, cls, values, SceneStyle(PALETTES["spectrum"])))
    assert PALETTES["spectrum"].mix("spheres", (0.2, 0.5, 0.9)) == pytest.approx((0.2, 0.5, 0.9))


def test_bars_take_the_palettes_colours(ctx):
    neon = frame(ctx, BarScene, np.ones(10), SceneStyle(PALETTES["neon"]))
    plain = frame(ctx, BarScene, np.ones(10))
    first, last = bar_pixel(neon, 0), bar_pixel(neon, 9)
    assert first[2] > first[0] + 60 and first[1] > first[0] + 60  # cyan, the gradient's start
    assert last[2] > last[1] + 60 and last[0] > last[1] + 30  # violet, its end
    assert abs(PALETTE[0][0] - PALETTE[0][1]) > 0.3  # the spectrum's first bar is magenta…
    magenta = bar_pixel(plain, 0)
    assert magenta[0] > magenta[1] + 60  # …and is drawn so


def test_real_colours_stay_on_the_palettes_path():
    rng = np.random.default_rng(0)
    mono = PALETTES["mono"]
    for rgb in rng.random((50, 3)):
        r, g, b = mono.mix("spheres", tuple(rgb))
        assert abs(r - g) < 1e-6 and abs(g - b) < 1e-6  # grey, brighter or darker
    fire = PALETTES["fire"]
    colours = np.array([fire.mix("sky", tuple(rgb)) for rgb in rng.random((200, 3))])
    assert (colours[:, 0] >= 2 * colours[:, 1:].max(axis=1)).all()  # reds only
    bright, dim = fire.mix("sky", (0.0, 0.0, 1.0)), fire.mix("sky", (0.0, 0.0, 0.2))
    assert sum(bright) > 2 * sum(dim)  # the music still sets the brightness
    assert fire.mix("sky", (1, 0, 0)) != pytest.approx(fire.mix("sky", (0, 0, 1)))  # and the hue


def test_real_scene_draws_a_palette(ctx):
    values = np.full(10, 0.6)
    ocean = frame(ctx, RealScene, values, SceneStyle(PALETTES["ocean"]))
    plain = frame(ctx, RealScene, values)
    sky = ocean[:10].reshape(-1, 3).mean(0)
    assert sky[2] > sky[0] + 15  # a blue sky…
    grey = plain[:10].reshape(-1, 3).mean(0)
    assert abs(grey[2] - grey[0]) < 8  # …where equal parameters give a grey one


def test_a_background_image_fills_the_bars_backdrop(ctx):
    red = np.zeros((H, W, 3), np.uint8)
    red[..., 0] = 255
    red[: H // 2, :, 1] = 255  # yellow on top: the image's rows land the right way up
    img = frame(ctx, BarScene, np.full(10, 0.1), SceneStyle(background=red))
    top, bottom = img[H // 4, W // 2], img[int(H * 0.9), W // 2]
    assert top[0] > 80 and top[1] > 80 and top[2] < 30  # yellow, dimmed
    assert bottom[0] > 40 and bottom[1] < 20  # red, dimmed (and the floor's reflection)
    assert bar_pixel(frame(ctx, BarScene, np.ones(10), SceneStyle(background=red)), 4)[2] > 100


def test_a_background_of_another_size_is_refused(ctx):
    with pytest.raises(ValueError, match="panel"):
        BarScene(ctx, W, H, style=SceneStyle(background=np.zeros((10, 10, 3), np.uint8)))


@pytest.mark.parametrize(
    "data,problem",
    [
        ([1, 2], "a JSON object"),
        ({"colours": ["#fff", "#000"]}, "unknown field 'colours'"),
        ({"colors": ["#fff"]}, "2 to 16"),
        ({"colors": ["#fff"] * 17}, "2 to 16"),
        ({"colors": ["#ff", "#000"]}, "is not a colour"),
        ({"colors": ["#ggg", "#000"]}, "is not a colour"),
        ({"colors": [[0, 0, 256], "#000"]}, "is not a colour"),
        ({"colors": [[0, 0, True], "#000"]}, "is not a colour"),
        ({"colors": [[0, 0], "#000"]}, "is not a colour"),
        ({"colors": "#fff"}, "2 to 16"),
        ({"colors": ["#fff", "#000"], "spheres": ["#fff", "#000"]}, "exactly 3"),
        ({"colors": ["#fff", "#000"], "background": 3}, "is not a colour"),
        ({"colors": ["#fff", "#000"], "name": ""}, "name"),
    ],
)
def test_a_bad_palette_file_is_one_error(tmp_path, data, problem):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DeepvizError, match=problem) as err:
        read_palette(path)
    assert err.value.path == str(path) and "\n" not in str(err.value)


def test_palette_files_and_odd_inputs(tmp_path):
    path = tmp_path / "brand.json"
    path.write_text(json.dumps({"colors": ["#102030", [255, 128, 0]], "background": "#000"}))
    brand = load_palette(str(path))
    assert brand.name == "brand" and brand.stops[1] == pytest.approx((1.0, 128 / 255, 0.0))
    assert len(brand.spheres) == 3 and brand.background == (0.0, 0.0, 0.0)
    (tmp_path / "nan.json").write_text('{"colors": [[NaN, 0, 0], "#000"]}')
    (tmp_path / "big.json").write_text('{"colors": ["#000", "#fff"]}' + " " * 70_000)
    for name, problem in (
        ("nan.json", "not a colour"),
        ("big.json", "too large"),
        ("none.json", "no such palette"),
    ):
        with pytest.raises(DeepvizError, match=problem):
            load_palette(str(tmp_path / name))
    with pytest.raises(DeepvizError, match="sunset"):
        load_palette("sunrise")  # names the built-ins
    assert hex_colour("#F80") == pytest.approx((1.0, 0x88 / 255, 0.0))


def _still(*args, expect: int = 0) -> np.ndarray | str:
    from PIL import Image

    result = CliRunner().invoke(main, ["still", *map(str, args)])
    assert result.exit_code == expect, result.output
    if expect:
        return result.output
    return np.asarray(Image.open(Path(args[args.index("-o") + 1])).convert("RGB")).astype(int)


COMMON = ["--at", "1.5", "--size", "160x90", "-q", "--no-title"]
SEED_3 = ["--seed", "3", "--at", "1.5", "-q"]
VARY_SCENE = ["--vary", "scene=bar,real", "--still", "1", "-q"]
DRAFT_BATCH = ["--jobs", "1", "--quality", "draft", "-q"]


def test_palette_and_background_from_the_command_line(tmp_path, music_wav):
    from PIL import Image

    plain = _still(music_wav, "-o", tmp_path / "a.png", "--scene", "bar", *COMMON)
    fire = _still(
        music_wav, "-o", tmp_path / "b.png", "--scene", "bar", "--palette", "fire", *COMMON
    )
    assert np.abs(fire - plain).mean() > 3
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (300, 300), (0, 200, 0)).save(photo)  # square: cropped to 16:9
    green = _still(
        music_wav, "-o", tmp_path / "c.png", "--scene", "bar", "--background", photo, *COMMON
    )
    assert green[5:15, 5:15, 1].mean() > plain[5:15, 5:15, 1].mean() + 30
    bad = tmp_path / "bad.json"
    bad.write_text('{"colors": ["#000"]}')
    out = tmp_path / "never.png"
    message = _still(music_wav, "-o", out, "--palette", bad, *COMMON, expect=1)
    assert (
        message.strip()
        == f"deepviz: error: {bad}: not a palette: colors: a list of 2 to 16 colours"
    )
    assert not out.exists()


def test_a_look_file_sets_options_and_the_command_line_wins(tmp_path, music_wav):
    look = tmp_path / "looks" / "night.toml"
    look.parent.mkdir()
    (look.parent / "brand.json").write_text('{"colors": ["#ff0000", "#0000ff"]}')
    look.write_text(
        'scene = "bar"\npalette = "brand.json"\nsize = "96x64"\nsmoothing = 0.4\nno-title = true\n'
    )
    by_look = _still(music_wav, "-o", tmp_path / "a.png", "--look", look, "--at", "1.5", "-q")
    by_hand_options = "--scene bar --size 96x64 --smoothing 0.4 --no-title --at 1.5 -q".split()
    brand = look.parent / "brand.json"
    by_hand = _still(music_wav, "-o", tmp_path / "b.png", "--palette", brand, *by_hand_options)
    assert by_look.shape == (64, 96, 3) and np.array_equal(by_look, by_hand)
    wider = _still(
        music_wav, "-o", tmp_path / "c.png", "--look", look, "--size", "128x64", "--at", "1.5", "-q"
    )
    assert wider.shape == (64, 128, 3)
    saved = tmp_path / "saved.toml"
    _still(music_wav, "-o", tmp_path / "d.png", "--look", look, "--save-look", saved, *SEED_3)
    text = saved.read_text()
    assert 'scene = "bar"' in text and "seed = 3" in text and 'size = "96x64"' in text
    assert str(look.parent / "brand.json") in text and "start" not in text
    again = _still(music_wav, "-o", tmp_path / "e.png", "--look", saved, "--at", "1.5", "-q")
    d = _still(music_wav, "-o", tmp_path / "f.png", "--look", look, *SEED_3)
    assert np.array_equal(again, d)


@pytest.mark.parametrize(
    "text,problem",
    [
        ("smoothing = 2\n", "smoothing: 2 is not in [0, 1)"),
        ("pulse = nan\n", "pulse: must be a finite number"),
        ("colour = 1\n", "'colour' is not a render option"),
        ("size = [1, 2]\n", "size: a look's values are strings"),
        ('size = "12x"\n', "size: '12x' is not WIDTHxHEIGHT"),
        ('scene = "disco"\n', "scene:"),
        ("[render]\nscene = 1\n", "'render' is not a render option"),
        ("scene = \n", "not a TOML look file"),
    ],
)
def test_a_bad_look_is_one_line_before_any_work(tmp_path, music_wav, text, problem):
    look = tmp_path / "look.toml"
    look.write_text(text)
    out = tmp_path / "never.png"
    message = _still(music_wav, "-o", out, "--look", look, "--at", "1", expect=1)
    lines = message.strip().splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith(f"deepviz: error: {look}: ") and problem in lines[0]
    )
    assert not out.exists()


def test_compare_and_batch_take_a_look(tmp_path, music_wav):
    look = tmp_path / "look.toml"
    look.write_text('palette = "mono"\nsize = "64x48"\nfps = 6\ntitle = "x"\n')
    out = tmp_path / "cmp.png"
    result = invoke("compare", music_wav, "-o", out, "--look", look, *VARY_SCENE)
    assert result.exit_code == 0, result.output
    assert "not options of deepviz compare, not used: title" in result.output
    from PIL import Image

    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    assert img.shape == (48, 64, 3)
    assert np.abs(img[..., 0] - img[..., 1]).max() < 40  # mono: no strong hue anywhere
    videos = tmp_path / "videos"
    result = invoke("batch", music_wav, "-o", videos, "--look", look, *DRAFT_BATCH)
    assert result.exit_code == 0, result.output
    from deepviz.extract.decode import probe

    info = probe(videos / "music.mp4")
    assert (info.width, info.height) == (64, 48)


def test_compare_varies_the_palette(tmp_path, music_wav):
    from PIL import Image

    out = tmp_path / "pal.png"
    options = "--vary palette=mono,fire --scene bar --still 1 --size 192x64 --no-labels -q"
    result = invoke("compare", music_wav, "-o", out, *options.split())
    assert result.exit_code == 0, result.output
    img = np.asarray(Image.open(out).convert("RGB")).astype(int)
    mono, fire = img[:, :96], img[:, 96:]
    assert np.abs(mono[..., 0] - mono[..., 1]).max() < 12
    assert (fire[..., 0] - fire[..., 2]).max() > 100
    bad = invoke("compare", music_wav, "-o", out, *"--vary palette=mono,nope --still 1 -y".split())
    assert bad.exit_code == 1 and "'nope' is not a palette" in bad.output


def test_a_batch_redoes_videos_when_a_palette_file_changes(tmp_path):
    from deepviz.app.batch.manifest import options_digest
    from deepviz.app.plan import PlanOptions
    from deepviz.renderer.options import VideoOptions

    palette = tmp_path / "brand.json"
    palette.write_text('{"colors": ["#ff0000", "#00ff00"]}')
    video = VideoOptions(palette=str(palette))
    first = options_digest(PlanOptions(), video, "default-x", None)
    assert options_digest(PlanOptions(), video, "default-x", None) == first
    palette.write_text('{"colors": ["#ff0000", "#0000ff"]}')  # same name, new colours
    assert options_digest(PlanOptions(), video, "default-x", None) != first
