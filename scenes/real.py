"""VIZ-REAL: 26 disco balls around the origin under a smoky sky, seen by an orbiting camera."""

from __future__ import annotations

import itertools
import math

import moderngl
import numpy as np

from deepviz.scenes.base import Param, Scene
from deepviz.scenes.gl import Viewport
from deepviz.scenes.registry import register
from deepviz.scenes.shaders import Shader

SKY_RADIUS = 80.0
FOV_DEG = 40.0  # field of view across the shorter side of the frame
NOISE_SIZE = 32  # lattice of the noise texture (handed to noise.glsl as a #define)
ENV_SIZE = (256, 128)  # equirectangular sky that the balls reflect, for frames ≥ ENV_FULL_HEIGHT
ENV_FULL_HEIGHT = 540  # smaller panels (a comparison grid) reflect a proportionally smaller sky


def env_size(height: int) -> tuple[int, int]:
    """The reflected sky's size for a frame `height` pixels tall (its detail is never resolved
    finer than the balls are drawn)."""
    scale = min(1.0, height / ENV_FULL_HEIGHT)
    w = max(64, int(round(ENV_SIZE[0] * scale / 16)) * 16)
    return w, w // 2


START_ANGLE = 0.6  # radians: an oblique first view, so the grid never starts lined up
# Two neighbouring grid directions are at least 35.26° apart: balls at distance d stay apart while
# their radius is below d·sin(35.26°/2) = 0.303·d.
MAX_RADIUS_SHARE = 0.29
HIT_SWELL = 0.18  # a full hit swells the balls by this share
SWELL_BASE = 0.35  # … of their radius, or of this many units if they are smaller


def grid_directions() -> np.ndarray:
    """The 26 unit directions from the centre of a 3×3×3 grid to its other cells."""
    cells = [c for c in itertools.product((-1, 0, 1), repeat=3) if any(c)]
    dirs = np.array(cells, dtype=np.float32)
    return dirs / np.linalg.norm(dirs, axis=1, keepdims=True)


def octagon() -> np.ndarray:
    """(8, 2) corners of a regular octagon around the unit circle: it holds a ball's disc with 5 %
    to spare where a square had 27 %, for 4 more triangles a ball (on llvmpipe the pixels cost
    more than the triangles' set-up: the balls' pass 6.9 → 6.4 CPU-ms at 720p)."""
    angles = (np.arange(8) + 0.5) * np.pi / 4
    return (np.stack([np.cos(angles), np.sin(angles)], 1) / np.cos(np.pi / 8)).astype(np.float32)


def unit(v: np.ndarray) -> tuple[float, ...]:
    """v normalised, as a tuple for a uniform."""
    return tuple(float(x) for x in v / np.linalg.norm(v))


def look_at(eye: np.ndarray, target: np.ndarray, up: np.ndarray) -> np.ndarray:
    """View matrix (row-major, column vectors)."""
    f = (target - eye) / np.linalg.norm(target - eye)
    s = np.cross(f, up)
    s = s / np.linalg.norm(s)
    m = np.identity(4)
    m[0, :3], m[1, :3], m[2, :3] = s, np.cross(s, f), -f
    m[:3, 3] = -m[:3, :3] @ eye
    return m


def perspective(fovy: float, aspect: float, near: float, far: float) -> np.ndarray:
    """OpenGL projection matrix (row-major, column vectors); fovy in radians."""
    f = 1.0 / math.tan(fovy / 2.0)
    m = np.zeros((4, 4))
    m[0, 0], m[1, 1] = f / aspect, f
    m[2, 2], m[2, 3] = (far + near) / (near - far), 2.0 * far * near / (near - far)
    m[3, 2] = -1.0
    return m


@register
class RealScene(Scene):
    """26 mirror-tiled disco balls on the directions of a 3×3×3 grid, a drifting smoky sky sphere,
    two lights, and a camera orbiting the origin.

    Priority (most to least dynamic feature component): sphere radius and distance first, since the
    balls pulsing and breathing in and out reads as rhythm; then the sphere colour, which changes
    only the balls; then the sky colour, which recolours the whole frame and flickers if it moves
    fast; then the orbit speed (integrated into the angle, so a fast-changing speed only jerks
    the orbit's pace) and last the camera height, which moves the whole view directly and is the
    most dizzying when it changes fast.
    """

    name = "real"
    description = "26 disco balls on a 3×3×3 grid's directions under a smoky sky, orbiting camera"
    params = (
        Param("sphR", "sphere colour, red"),
        Param("sphG", "sphere colour, green"),
        Param("sphB", "sphere colour, blue"),
        Param("skyR", "sky colour, red"),
        Param("skyG", "sky colour, green"),
        Param("skyB", "sky colour, blue"),
        Param(
            "sphRad",
            "sphere radius (less when the balls are close: they never touch)",
            0.15,
            0.6,
            "units",
        ),
        Param("sphDist", "sphere distance from the centre", 1.0, 3.0, "units"),
        Param("camSpeed", "camera orbit speed", 0.0, 1.5, "rad/s"),
        Param("camHeight", "camera height", -2.5, 4.0, "units"),
    )
    priority = ("sphRad", "sphDist", "sphR", "sphG", "sphB", "skyR", "skyG", "skyB")
    priority += ("camSpeed", "camHeight")
    # The sky fills most of the frame, so its colour says the style; the balls' colour and size
    # then tell tracks of one style apart.
    identity = (
        "skyR",
        "skyG",
        "skyB",
        "sphR",
        "sphG",
        "sphB",
        "sphRad",
        "sphDist",
        "camSpeed",
        "camHeight",
    )
    antialiased = True  # the balls' edges carry their exact coverage: no multisampling needed
    _noise = ("u_sky", "u_time", "u_seed", "u_noise")
    _defines = {"NOISE_SIZE": f"{NOISE_SIZE:.1f}"}
    shaders = {
        "disco": Shader(
            "disco.vert.glsl",
            "disco.frag.glsl",
            ("u_sky", "u_time", "u_viewproj", "u_color", "u_eye", "u_radius", "u_pixangle", "u_env")
            + ("u_key", "u_rim", "u_dist", "u_flash", "u_level"),
            ("noise.glsl",),
            _defines,
        ),
        "sky": Shader(
            "fullscreen.vert.glsl",
            "sky.frag.glsl",
            (
                *_noise,
                "u_invviewproj",
                "u_eye",
                "u_resolution",
                "u_skyradius",
                "u_level",
                "u_flash",
            ),
            ("noise.glsl",),
            _defines,
        ),
        "env": Shader(
            "fullscreen.vert.glsl",
            "env.frag.glsl",
            (*_noise, "u_resolution"),
            ("noise.glsl",),
            _defines,
        ),
        "backdrop": Shader(
            "fullscreen.vert.glsl",
            "backdrop.frag.glsl",
            ("u_layer", "u_resolution", "u_origin"),
        ),
    }

    def setup(self) -> None:
        """The seeded noise, the spheres' phases, the textures and geometry."""
        rng = np.random.default_rng(self.seed)
        self.seed_offset = tuple(float(x) for x in rng.uniform(0.0, NOISE_SIZE, 3))
        lattice = rng.random((NOISE_SIZE,) * 3, dtype=np.float32)
        phases = rng.random(26).astype(np.float32)
        self.angle = START_ANGLE
        self._textures(lattice)
        self._geometry(phases)

    def _textures(self, lattice: np.ndarray) -> None:
        ctx = self.ctx
        self.noise = ctx.texture3d((NOISE_SIZE,) * 3, 1, lattice.tobytes(), dtype="f4")
        self.noise.repeat_x = self.noise.repeat_y = self.noise.repeat_z = True
        self.env_size = env_size(self.height)
        self.env_tex = ctx.texture(self.env_size, 4, dtype="f2")
        self.env_tex.repeat_y = False
        self.layer = ctx.texture(((self.width + 3) // 4, (self.height + 3) // 4), 4)
        self.layer.repeat_x = self.layer.repeat_y = False
        for tex in (self.noise, self.env_tex, self.layer):
            tex.filter = (moderngl.LINEAR, moderngl.LINEAR)
        self.env_fbo = ctx.framebuffer(color_attachments=[self.env_tex])
        self.layer_fbo = ctx.framebuffer(color_attachments=[self.layer])

    def _geometry(self, phases: np.ndarray) -> None:
        ctx, progs = self.ctx, self.programs
        ball = octagon()
        ball_idx = np.array([(0, k, k + 1) for k in range(1, 7)], np.uint32)  # a fan
        self.instances = np.hstack([grid_directions(), phases[:, None]]).astype(np.float32)
        self.buffers = [ctx.buffer(x.tobytes()) for x in (ball, ball_idx, self.instances)]
        vb, ib, inst = self.buffers
        self.balls = ctx.vertex_array(
            progs["disco"].prog,
            [(vb, "2f", "in_corner"), (inst, "3f 1f/i", "in_dir", "in_phase")],
            ib,
        )
        self.sky_vao = ctx.vertex_array(progs["sky"].prog, [])
        self.env_vao = ctx.vertex_array(progs["env"].prog, [])
        self.backdrop_vao = ctx.vertex_array(progs["backdrop"].prog, [])

    def update(self, values: np.ndarray, dt: float, pulse: float = 0.0, level: float = 1.0) -> None:
        """Take the values and advance time and the orbit angle (angle += speed · dt)."""
        super().update(values, dt, pulse, level)
        self.angle = (self.angle + self.param("camSpeed") * dt) % (2.0 * math.pi)

    def radius(self) -> float:
        """The balls' radius: the parameter, its range narrowed from the top when the balls are
        close, swelling on a hit, never over `MAX_RADIUS_SHARE` of the distance: balls never touch."""
        dist, p = self.param("sphDist"), self.params[self.index("sphRad")]
        room = min(1.0, (MAX_RADIUS_SHARE * 0.9 * dist - p.low) / (p.high - p.low))
        radius = p.low + (self.param("sphRad") - p.low) * room
        # small balls swell as much as middling ones: a hit must show whatever the track's place
        swell = HIT_SWELL * max(radius, SWELL_BASE) * self.pulse
        return min(radius + swell, MAX_RADIUS_SHARE * dist)

    def eye(self) -> np.ndarray:
        """Camera position: orbiting the origin, far enough to keep every ball in view."""
        orbit = 2.7 * (self.param("sphDist") + self.param("sphRad")) + 2.0
        height = self.param("camHeight")
        return np.array([orbit * math.cos(self.angle), height, orbit * math.sin(self.angle)])

    def _camera(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(eye, view matrix, view-projection matrix (float32, transposed for GL), vertical FOV)."""
        w, h = self.width, self.height
        fovy = math.radians(FOV_DEG)
        if w < h:
            fovy = 2.0 * math.atan(math.tan(fovy / 2.0) * h / w)
        eye = self.eye()
        view = look_at(eye, np.zeros(3), np.array([0.0, 1.0, 0.0]))
        viewproj = (perspective(fovy, w / h, 0.1, 2.0 * SKY_RADIUS) @ view).T.astype(np.float32)
        return eye, view, viewproj, fovy

    def _set_uniforms(self) -> None:
        eye, view, viewproj, fovy = self._camera()
        right, up, back = view[0, :3], view[1, :3], view[2, :3]  # camera axes in the world
        palette = self.style.palette  # the music picks the colours, inside the palette
        sky = palette.mix("sky", self.raw("skyR", "skyG", "skyB"))
        shared = {"u_sky": sky, "u_time": float(self.time)}
        smoke = {**shared, "u_seed": self.seed_offset, "u_noise": 0}
        self.uniforms("env", **smoke, u_resolution=tuple(float(x) for x in self.env_size))
        inverse = np.linalg.inv(viewproj.T.astype(np.float64)).T.astype(np.float32)
        self.uniforms(
            "sky",
            **smoke,
            u_invviewproj=inverse.tobytes(),
            u_skyradius=SKY_RADIUS,
            u_eye=tuple(float(v) for v in eye),
            u_level=self.level,
            u_flash=self.pulse,
            u_resolution=(float(self.layer.width), float(self.layer.height)),
        )
        self.uniforms(
            "disco",
            **shared,
            u_viewproj=viewproj.tobytes(),
            u_color=palette.mix("spheres", self.raw("sphR", "sphG", "sphB")),
            u_eye=tuple(float(v) for v in eye),
            u_key=unit(-0.45 * right + 0.75 * up + 0.55 * back),
            u_rim=unit(0.6 * right + 0.35 * up - 0.7 * back),
            u_radius=self.radius(),
            u_dist=self.param("sphDist"),
            u_flash=self.pulse,
            u_level=self.level,
            u_pixangle=2.0 * math.tan(fovy / 2.0) / self.height,
            u_env=1,
        )
        self.uniforms("backdrop", u_layer=2, u_resolution=(float(self.width), float(self.height)))

    def draw(self, target: moderngl.Framebuffer, viewport: Viewport) -> None:
        ctx = self.ctx
        self._set_uniforms()
        self.noise.use(0)
        ctx.disable(moderngl.DEPTH_TEST | moderngl.CULL_FACE)
        # The sky twice: as an environment map for the reflections, and the sky sphere itself
        # at a quarter of the resolution (it is soft smoke), then put behind everything.
        self.env_fbo.use()
        self.env_vao.render(moderngl.TRIANGLES, vertices=3)
        self.layer_fbo.use()
        self.sky_vao.render(moderngl.TRIANGLES, vertices=3)
        target.use()
        target.viewport = viewport
        self.uniforms("backdrop", u_origin=(float(viewport[0]), float(viewport[1])))
        self.layer.use(2)
        self.backdrop_vao.render(moderngl.TRIANGLES, vertices=3)
        self._draw_balls()

    def _draw_balls(self) -> None:
        """Back to front, blended with their edge coverage (premultiplied): every pixel of a ball
        is shaded once per ball in front of the sky, with no multisample buffer to resolve."""
        ctx = self.ctx
        eye = self.eye()
        centers = self.instances[:, :3].astype(np.float64) * self.param("sphDist")
        order = np.argsort(-np.linalg.norm(centers - eye, axis=1), kind="stable")
        self.buffers[2].write(self.instances[order].tobytes())
        self.env_tex.use(1)
        ctx.enable(moderngl.BLEND)
        ctx.blend_func = moderngl.ONE, moderngl.ONE_MINUS_SRC_ALPHA
        self.balls.render(moderngl.TRIANGLES, instances=26)
        ctx.disable(moderngl.BLEND)

    def release(self) -> None:
        for obj in (
            self.balls,
            self.sky_vao,
            self.env_vao,
            self.backdrop_vao,
            self.env_fbo,
            self.layer_fbo,
            self.noise,
            self.env_tex,
            self.layer,
            *self.buffers,
        ):
            obj.release()
        super().release()
