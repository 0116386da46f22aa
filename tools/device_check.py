"""The GPU path, checked in one short run on a machine with a GPU (`make device-check`): which
GL device draws, which readback and encoder `auto` takes, the same 10 s of video through the GPU
path and through the CPU path (their PSNR and times), and the features on CUDA against the CPU.
Prints one report; exits 1 when a GPU is there but a part of its path is not taken or differs.
Not a pytest module: CI machines have no GPU."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import numpy as np

SIZE, SECONDS = (1280, 720), 10


def decoded(video: Path) -> np.ndarray:
    from deepviz.extract.ffmpeg import ffmpeg_exe

    raw_rgb = "-f rawvideo -pix_fmt rgb24 pipe:1".split()
    cmd = [ffmpeg_exe(), "-loglevel", "error", "-i", str(video), *raw_rgb]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, SIZE[1], SIZE[0], 3)


def render(audio: Path, out: Path, *options: str) -> float:
    """Seconds a 10 s 720p VIZ-REAL render takes with these options."""
    cmd = [
        sys.executable,
        "-m",
        "deepviz",
        "render",
        str(audio),
        "-o",
        str(out),
        "--size",
        f"{SIZE[0]}x{SIZE[1]}",
        "--duration",
        str(SECONDS),
        "-q",
        "-y",
        *options,
    ]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start


def gl_report() -> tuple[str, str, str, str | None]:
    from deepviz.renderer.encoder import _nvenc_probe, choose_encoder
    from deepviz.scenes import create_context
    from deepviz.scenes.readback import choose_readback

    ctx = create_context()
    renderer = ctx.info["GL_RENDERER"]
    ctx.release()
    return (
        renderer,
        choose_readback("auto", renderer, SIZE, True),
        choose_encoder("auto", renderer),
        _nvenc_probe(),
    )


def cuda_report(audio: Path) -> str:
    import torch

    from deepviz.extract.extractor import FeatureExtractor, resolve_device
    from deepviz.extract.models import get_model

    if not torch.cuda.is_available():
        return "torch sees no CUDA GPU"
    small = FeatureExtractor(device="auto").device.type  # the default network: cpu
    large = resolve_device("auto", get_model("ae")).type  # 40 M parameters: cuda
    a = FeatureExtractor(device="cpu").extract(audio)
    b = FeatureExtractor(device="cuda").extract(audio)
    diff = float(np.abs(a.values - b.values).max())
    return (
        f"{torch.cuda.get_device_name(0)}: features max |cuda - cpu| = {diff:.2e}; auto "
        f"puts the default network on {small}, a 40 M-parameter one on {large}"
    )


def main() -> int:
    audio = Path(str(resources.files("deepviz.renderer").joinpath("data/demo.ogg")))
    nvidia = shutil.which("nvidia-smi")
    print(
        "GPUs:",
        subprocess.run([nvidia, "-L"], capture_output=True, text=True).stdout.strip()
        if nvidia
        else "no nvidia-smi",
    )
    renderer, readback, encoder, nvenc_why = gl_report()
    print(
        f"GL: {renderer}; auto takes readback {readback}, encoder {encoder}"
        + (f" (NVENC: {nvenc_why})" if nvenc_why else "")
    )
    print("CUDA:", cuda_report(audio))
    with tempfile.TemporaryDirectory() as tmp:
        gpu, cpu = Path(tmp, "auto.mp4"), Path(tmp, "cpu.mp4")
        t_gpu = render(audio, gpu)
        t_cpu = render(audio, cpu, "--readback", "rgba", "--encoder", "x264")
        a, b = decoded(gpu), decoded(cpu)
        mse = np.mean((a[: len(b)].astype(float) - b[: len(a)].astype(float)) ** 2)
        psnr = 10 * np.log10(255.0**2 / max(mse, 1e-12))
        print(
            f"10 s 720p VIZ-REAL: auto {t_gpu:.1f} s, rgba + x264 {t_cpu:.1f} s; "
            f"frames {len(a)} / {len(b)}, PSNR {psnr:.1f} dB"
        )
    from deepviz.scenes.gl import is_software

    gpu_there = bool(nvidia) and not is_software(renderer)
    ok = len(a) == len(b) and psnr >= 35 and (not gpu_there or readback == "nv12")
    print("device check:", "passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
