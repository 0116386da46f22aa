"""The two scenes on a real EGL context: parameters, geometry, colour, camera, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from deepviz.scenes import SCENES, create_context, get_scene
from deepviz.scenes.bar import BarScene
from deepviz.scenes.real import RealScene

W, H = 160, 90
DT = 1.0 / 30.0
SKY = np.s_[:6]  # the top rows show sky only


@pytest.fixture(scope="module")
def ctx():
    context = create_context()
    yield context
    context.release()


def render(scene, values, steps: int = 1) -> np.ndarray:
    """Update `steps` times with the same values, then return the frame as (H, W, 3) uint8."""
    for _ in range(steps):
        scene.update(np.asarray(values, dtype=np.float32), DT)
    data = scene.frame()
    assert len(data) == scene.width * scene.height * 3
    return np.frombuffer(data, dtype=np.uint8).reshape(scene.height, scene.width, 3)


def fresh(ctx, cls, values, steps: int = 1, seed: int = 0, size=(W, H)) -> np.ndarray:
    scene = cls(ctx, *size, seed=seed)
    try:
        return render(scene, values, steps)
    finally:
        scene.release()


def lit(img: np.ndarray, threshold: float = 100.0) -> np.ndarray:
    """Mask of bright pixels (luma above threshold)."""
    return img.astype(np.float32) @ np.array([0.3, 0.59, 0.11], dtype=np.float32) > threshold


def test_registry_names_the_two_scenes():
    assert set(SCENES) == {"bar", "real"}
    assert get_scene("bar") is BarScene and get_scene("real") is RealScene


@pytest.mark.parametrize("cls", [BarScene, RealScene])
def test_params_and_priority(cls):
    names = cls.param_names()
    assert len(names) == 10 and len(set(names)) == 10
    assert all(n.isidentifier() for n in names)
    assert sorted(cls.priority) == sorted(names)
    assert all(p.low < p.high for p in cls.params)


def test_real_params_follow_the_papers_order():
    assert RealScene.param_names() == [
        "sphR",
        "sphG",
        "sphB",
        "skyR",
        "skyG",
        "skyB",
        "sphRad",
        "sphDist",
        "camSpeed",
        "camHeight",
    ]


@pytest.mark.parametrize("cls", [BarScene, RealScene])
@pytest.mark.parametrize("level", [0.0, 1.0])
def test_extremes_render_non_black_frames(ctx, cls, level):
    img = fresh(ctx, cls, np.full(10, level))
    assert img.mean() > 2.0 and img.max() > 80


def test_bars_grow_with_their_values(ctx):
    counts = [lit(fresh(ctx, BarScene, np.full(10, v))).sum() for v in (0.0, 0.5, 1.0)]
    assert counts[0] < 0.2 * counts[1] and counts[1] < 0.7 * counts[2]


@pytest.mark.parametrize("k", [0, 4, 9])
def test_the_bar_at_one_is_the_tallest_column(ctx, k):
    values = np.full(10, 0.3)
    values[k] = 1.0
    heights = lit(fresh(ctx, BarScene, values)).sum(axis=0)
    x = int(np.argmax(heights))
    slot = np.linspace(0.05 * W, 0.95 * W, 11)  # the bars span (about) the middle 90%
    assert slot[k] - 2 <= x <= slot[k + 1] + 2
    assert heights.max() > 2.5 * np.median(heights[heights > 0])


def test_real_sky_colour_changes_the_background(ctx):
    values = np.full(10, 0.5)
    base = fresh(ctx, RealScene, values)
    for channel in range(3):
        more = values.copy()
        more[3 + channel] = 1.0
        img = fresh(ctx, RealScene, more)
        delta = img[SKY].astype(float).mean(axis=(0, 1)) - base[SKY].mean(axis=(0, 1))
        assert delta[channel] > 15
        assert delta[channel] > 2.5 * np.delete(delta, channel).max()


def test_real_sphere_colour_changes_only_the_spheres(ctx):
    grey = np.full(10, 0.5)
    red = grey.copy()
    red[0:3] = (1.0, 0.0, 0.0)
    a, b = fresh(ctx, RealScene, grey), fresh(ctx, RealScene, red)
    changed = np.any(a != b, axis=2)
    assert changed.mean() > 0.05  # the balls cover a good part of the frame
    assert not changed[SKY].any()  # the sky is untouched
    delta = (b.astype(float) - a)[changed].mean(axis=0)
    assert delta[0] > 10 and delta[1] < -10 and delta[2] < -10


@pytest.mark.parametrize("extreme", range(8))
def test_real_balls_stay_in_view(ctx, extreme):
    values = np.zeros(10)
    values[0:3] = 1.0  # white balls under a black sky
    values[6], values[7], values[9] = (extreme >> 2) & 1, (extreme >> 1) & 1, extreme & 1
    img = fresh(ctx, RealScene, values)
    bright = lit(img, 60.0)
    assert bright.mean() > 0.01
    edge = np.concatenate([bright[:2].ravel(), bright[-2:].ravel(), bright[:, :2].ravel()])
    assert not edge.any()


def test_orbit_angle_integrates_speed(ctx):
    scene = RealScene(ctx, W, H)
    try:
        values = np.full(10, 0.5, dtype=np.float32)
        speeds = [0.0, 1.0, 0.2, 1.0, 0.0]
        expected = scene.angle
        for s in speeds:
            values[8] = s
            scene.update(values, DT)
            expected += RealScene.params[8].value(s) * DT
        assert scene.angle == pytest.approx(expected)
        before = scene.angle
        values[8] = 1.0  # a jump in speed moves the camera by only speed · dt
        scene.update(values, DT)
        assert scene.angle - before == pytest.approx(RealScene.params[8].high * DT)
    finally:
        scene.release()


def test_orbit_moves_the_view_only_with_speed(ctx):
    def change(speed: float) -> float:
        scene = RealScene(ctx, W, H)
        try:
            values = np.full(10, 0.5)
            values[8] = speed
            first = render(scene, values).astype(float)
            return np.abs(render(scene, values, steps=30) - first).mean()
        finally:
            scene.release()

    still, moving = change(0.0), change(1.0)
    assert moving > 3.0 * still and moving > 10.0


@pytest.mark.parametrize("cls", [BarScene, RealScene])
def test_deterministic(ctx, cls):
    rng = np.random.default_rng(7)
    seq = rng.random((5, 10))

    def run(seed: int) -> bytes:
        scene = cls(ctx, W, H, seed=seed)
        try:
            for v in seq:
                scene.update(v.astype(np.float32), DT)
            return scene.frame()
        finally:
            scene.release()

    assert run(0) == run(0)
    if cls is RealScene:
        assert run(0) != run(1)  # the seed moves the smoke


def test_bar_peaks_hold_then_fall(ctx):
    scene = BarScene(ctx, W, H)
    try:
        scene.update(np.ones(10, dtype=np.float32), DT)
        zeros = np.zeros(10, dtype=np.float32)
        scene.update(zeros, DT)
        assert np.all(scene.peaks == 1.0)
        for _ in range(60):
            scene.update(zeros, DT)
        assert np.all(scene.peaks < 0.5)
    finally:
        scene.release()


@pytest.mark.parametrize("values", [np.zeros(10), np.full(10, 0.4), np.linspace(0.0, 1.0, 10)])
@pytest.mark.parametrize("size", [(W, H), (320, 90)])  # wide: backdrop beside the bars too
def test_bar_backdrop_drawn_outside_the_reach_only_leaves_the_frame_as_drawn_whole(
    ctx, values, size
):
    import moderngl

    scene = BarScene(ctx, *size)
    try:
        scene.update(values.astype(np.float32), DT)
        x, y, w, h = scene.reach()
        rects = scene.outside_reach()  # with the reach, they tile the panel exactly
        assert w * h + sum(r[2] * r[3] for r in rects) == size[0] * size[1]
        assert len(rects) >= (2 if size[0] > W else 0)
        cover = np.zeros(size[::-1], int)
        for rx, ry, rw, rh in [*rects, (x, y, w, h)]:
            cover[ry : ry + rh, rx : rx + rw] += 1
        assert (cover == 1).all()
        fast = scene.frame()
        # over it, the backdrop whole and then the bars over their reach, as before: the same
        scene.ctx.scissor = None
        scene.backdrop_vao.render(moderngl.TRIANGLES, vertices=3)
        scene.ctx.scissor = (x, y, w, h)
        scene.vao.render(moderngl.TRIANGLES, vertices=3)
        scene.ctx.scissor = None
        assert scene._canvas.read() == fast
    finally:
        scene.release()


def test_portrait_and_square_frames(ctx):
    for size in [(90, 160), (96, 96)]:
        for cls in (BarScene, RealScene):
            img = fresh(ctx, cls, np.full(10, 0.7), size=size)
            assert img.shape == (size[1], size[0], 3) and img.max() > 80


def test_a_declared_uniform_the_program_lacks_raises(ctx):
    import dataclasses

    class Misspelt(BarScene):
        bars = dataclasses.replace(
            BarScene.shaders["bars"], uniforms=("u_resolution", "u_origin", "u_valeus")
        )
        shaders = {**BarScene.shaders, "bars": bars}

    with pytest.raises(KeyError, match="u_valeus"):
        Misspelt(ctx, W, H)


def test_setting_an_undeclared_uniform_raises(ctx):
    scene = RealScene(ctx, W, H)
    try:
        with pytest.raises(KeyError, match="u_seed"):
            scene.uniforms("disco", u_seed=(0.0, 0.0, 0.0))  # a uniform of the sky, not the balls
        with pytest.raises(KeyError, match="sphRadius"):
            scene.param("sphRadius")
    finally:
        scene.release()


def test_parameters_are_read_by_name_not_position(ctx):
    class Reordered(RealScene):  # the same parameters declared in another order
        params = tuple(reversed(RealScene.params))

    values = np.full(10, 0.5, dtype=np.float32)
    values[RealScene.index("camSpeed")] = 1.0
    plain, rev = RealScene(ctx, W, H), Reordered(ctx, W, H)
    try:
        plain.update(values, DT)
        rev.update(values[::-1].copy(), DT)  # the same value for each name
        assert plain.angle == pytest.approx(rev.angle)
        assert plain.frame() == rev.frame()
    finally:
        plain.release()
        rev.release()


def test_shader_constants_come_from_python():
    from deepviz.scenes.real import NOISE_SIZE
    from deepviz.scenes.shaders import shader_source

    spec = RealScene.shaders["sky"]
    source = shader_source(spec.fragment, spec.includes, spec.defines)
    assert (
        f"#define NOISE_SIZE {NOISE_SIZE:.1f}" in source and "const float NOISE_SIZE" not in source
    )


def test_the_command_line_offers_the_registered_scenes():
    from deepviz.cli.render import render

    option = next(p for p in render.params if p.name == "scene")
    assert sorted(option.type.choices) == sorted(SCENES)


@pytest.mark.parametrize("scene", ["bar", "real"])
def test_each_panel_of_a_layout_is_the_scene_drawn_alone(ctx, scene):
    from deepviz.mapping.curves import Curves
    from deepviz.renderer.options import VideoOptions
    from deepviz.renderer.render import Layout, Panel

    values = np.random.default_rng(3).random((4, 10)).astype(np.float32)
    curves = Curves(values, get_scene(scene).param_names(), 30.0, 4 / 30, None, values)
    video = VideoOptions(size=(2 * W, 2 * H), samples=1)
    layout = Layout(ctx, [Panel(curves, scene, seed=5) for _ in range(4)], video)
    alone = get_scene(scene)(ctx, W, H, samples=1, seed=5)
    try:
        for i in range(len(values)):
            grid = np.frombuffer(layout.frame(i), np.uint8).reshape(2 * H, 2 * W, 3)
            alone.update(values[i], DT if i else 0.0)
            one = np.frombuffer(alone.frame(), np.uint8).reshape(H, W, 3)
        for y, x in ((0, 0), (0, W), (H, 0), (H, W)):
            diff = np.abs(grid[y : y + H, x : x + W].astype(int) - one)
            # the same picture; rasterising at another offset may round a rare pixel differently
            assert diff.max() <= 2 and (diff > 0).mean() < 1e-3
    finally:
        layout.release()
        alone.release()


def test_balls_never_touch_at_any_parameter_values(ctx):
    from deepviz.scenes.real import grid_directions

    dirs = grid_directions()
    gaps = np.linalg.norm(dirs[:, None] - dirs[None], axis=2) + 10 * np.eye(len(dirs))
    scene = RealScene(ctx, W, H)
    try:
        for rad, dist, pulse in np.array(
            np.meshgrid([0, 0.5, 1], [0, 0.5, 1], [0, 1, 2])
        ).T.reshape(-1, 3):
            values = np.full(10, 0.5)
            values[RealScene.index("sphRad")], values[RealScene.index("sphDist")] = rad, dist
            scene.update(values, DT, pulse=pulse)
            centre_gap = gaps.min() * scene.param("sphDist")
            assert 2 * scene.radius() < centre_gap, (rad, dist, pulse)
        values[RealScene.index("sphDist")] = 1.0  # far apart, the full radius range is there
        values[RealScene.index("sphRad")] = 1.0
        scene.update(values, DT)
        assert scene.radius() == pytest.approx(RealScene.params[RealScene.index("sphRad")].high)
    finally:
        scene.release()


@pytest.mark.parametrize("cls", [BarScene, RealScene])
def test_a_hit_and_the_level_change_the_picture_and_neutral_inputs_do_not(ctx, cls):
    values = np.full(10, 0.6)
    plain = fresh(ctx, cls, values)
    scene = cls(ctx, W, H)
    try:
        scene.update(values.astype(np.float32), DT, pulse=0.0, level=1.0)
        neutral = np.frombuffer(scene.frame(), np.uint8).reshape(H, W, 3)
        scene.update(values.astype(np.float32), 0.0, pulse=1.0, level=1.0)
        hit = np.frombuffer(scene.frame(), np.uint8).reshape(H, W, 3)
        scene.update(values.astype(np.float32), 0.0, pulse=0.0, level=0.0)
        quiet = np.frombuffer(scene.frame(), np.uint8).reshape(H, W, 3)
    finally:
        scene.release()
    np.testing.assert_array_equal(plain, neutral)  # pulse 0, level 1: the paper's picture
    assert hit.astype(float).mean() > neutral.mean() + 3  # a hit lights the picture up
    assert quiet.astype(float).mean() < neutral.mean() - 3  # quiet music looks quiet


@pytest.mark.parametrize("cls", [BarScene, RealScene])
def test_no_depth_buffer_unless_a_scene_asks(ctx, cls):
    """Neither scene tests depth, so the canvas has no depth buffer (on llvmpipe it slows every
    pass); the picture is the same as with one."""
    from deepviz.scenes.canvas import Canvas

    scene = cls(ctx, W, H, seed=2)
    deep = Canvas(ctx, W, H, depth=True)
    try:
        assert not cls.depth
        values = np.linspace(0.2, 0.8, 10, dtype=np.float32)
        plain = render(scene, values)
        assert scene._canvas.fbo.depth_attachment is None
        deep.begin()
        scene.draw(deep.fbo, (0, 0, W, H))
        assert deep.fbo.depth_attachment is not None
        assert np.array_equal(np.frombuffer(deep.read(), np.uint8).reshape(H, W, 3), plain)
    finally:
        deep.release()
        scene.release()
