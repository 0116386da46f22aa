"""The readbacks: NV12 converted in a shader and read through two PBOs (the GPU path, run here on
llvmpipe) against RGBA converted by ffmpeg, and the choice between them."""

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import decode_frames

from deepviz.cli import main
from deepviz.core.errors import DeepvizError
from deepviz.scenes.readback import choose_readback

W, H, FPS = 96, 64, 12
COMMON = ["--fps", str(FPS), "--preset", "ultrafast", "--crf", "12", "-q"]


def _render(*args, expect: int = 0):
    result = CliRunner().invoke(main, ["render", *map(str, args)])
    assert result.exit_code == expect, result.output
    return result


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return 10 * np.log10(255.0**2 / mse)


@pytest.mark.parametrize(("scene", "extra"), [("real", ["--samples", "2"]), ("bar", [])])
def test_nv12_readback_gives_the_rgba_readbacks_video(tmp_path, music_wav, scene, extra):
    videos = {}
    for mode in ("rgba", "nv12"):
        out = tmp_path / f"{mode}.mp4"
        _render(
            music_wav,
            "-o",
            out,
            "--scene",
            scene,
            "--size",
            f"{W}x{H}",
            "--readback",
            mode,
            "--duration",
            "2",
            *extra,
            *COMMON,
        )
        videos[mode] = decode_frames(out, W, H)
    rgba, nv12 = videos["rgba"], videos["nv12"]
    assert len(nv12) == len(rgba) == 2 * FPS  # the PBOs' one-frame lag drops and repeats nothing
    scores = [psnr(a, b) for a, b in zip(rgba, nv12)]
    assert min(scores) >= 35, scores
    # frame by frame, not shifted: each nv12 frame is nearer its own rgba frame than the next one
    moving = [k for k in range(len(rgba) - 1) if psnr(rgba[k], rgba[k + 1]) < 30]
    assert moving and all(psnr(nv12[k], rgba[k + 1]) < scores[k] for k in moving)


def test_nv12_readback_of_a_draft_scales_up(tmp_path, music_wav):
    out = tmp_path / "d.mp4"
    _render(
        music_wav,
        "-o",
        out,
        "--size",
        "1280x720",
        "--quality",
        "draft",
        "--readback",
        "nv12",
        "--duration",
        "0.25",
        "-q",
    )
    frames = decode_frames(out, 1280, 720)
    assert len(frames) == 8 and frames.std() > 5  # drawn at 640x360, a picture at full size


def test_readback_choice_and_its_refusals(tmp_path, music_wav):
    gpu, cpu = "NVIDIA H200/PCIe/SSE2", "llvmpipe (LLVM 15.0.6, 256 bits)"
    assert choose_readback("auto", gpu, (1280, 720), video=True) == "nv12"
    assert choose_readback("auto", cpu, (1280, 720), video=True) == "rgba"
    assert choose_readback("auto", gpu, (1280, 720), video=False) == "rgba"  # GIF, PNGs: RGB
    assert choose_readback("rgba", gpu, (1280, 720), video=True) == "rgba"
    assert choose_readback("nv12", cpu, (1280, 720), video=True) == "nv12"
    assert choose_readback("auto", gpu, (1279, 720), video=True) == "rgba"
    with pytest.raises(DeepvizError, match="even frame size"):
        choose_readback("nv12", gpu, (1279, 720), video=True)
    out = tmp_path / "a.gif"
    result = _render(
        music_wav, "-o", out, "--readback", "nv12", "--size", f"{W}x{H}", *COMMON, expect=1
    )
    assert "--readback nv12 is for videos" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())  # nothing written


def test_nv12_frames_go_to_the_encoder_as_they_are():
    from pathlib import Path

    from deepviz.renderer.encoder import EncodeSpec, encode_command

    spec = EncodeSpec(64, 48, 30.0, 20, "ultrafast", pix_fmt="nv12", nvenc=("-preset", "p4"))
    cmd = encode_command(Path("x.mp4"), spec)
    source, codec = cmd[: cmd.index("pipe:0")], cmd[cmd.index("pipe:0") :]
    assert source[source.index("-pix_fmt") + 1] == "nv12" and "-vf" not in cmd  # top down, no flip
    assert codec[codec.index("-c:v") + 1] == "h264_nvenc"
    assert codec[codec.index("-pix_fmt") + 1] == "nv12"  # NVENC's own input: no conversion


def test_the_context_is_on_a_gpu_when_egl_lists_one(tmp_path, music_wav, monkeypatch):
    from deepviz.scenes.gl import create_context, is_software

    ctx = create_context()  # here EGL lists llvmpipe alone: it is looked past, then taken
    try:
        assert is_software(ctx.info["GL_RENDERER"]) and not is_software("NVIDIA H200/PCIe/SSE2")
    finally:
        ctx.release()
    monkeypatch.setenv("GLCONTEXT_DEVICE_INDEX", "7")  # a device of the user's choice, absent
    out = tmp_path / "a.mp4"
    result = _render(music_wav, "-o", out, "--size", f"{W}x{H}", *COMMON, expect=1)
    assert result.output.count("\n") == 1 and "no headless OpenGL available" in result.output
    assert "device index 7" in result.output and not list(tmp_path.iterdir())


def test_a_gpu_path_that_cannot_be_set_up_falls_back_to_rgba_unless_asked_for():
    from deepviz.scenes import create_context
    from deepviz.scenes.canvas import Canvas
    from deepviz.scenes.readback import open_reader

    ctx = create_context()
    try:
        tall = ctx.info["GL_MAX_TEXTURE_SIZE"] * 2 // 3 + 2  # its NV12 planes: too tall for GL
        canvas = Canvas(ctx, 16, tall)
        reader = open_reader(canvas, "nv12", fallback=True)  # --readback auto
        assert (reader.mode, reader.pix_fmt, reader.frame_bytes) == ("rgba", "rgba", 16 * tall * 4)
        reader.release()
        with pytest.raises(DeepvizError, match="--readback nv12 cannot be set up here"):
            open_reader(canvas, "nv12", fallback=False)  # asked for: an error, not a surprise
        canvas.release()
    finally:
        ctx.release()
