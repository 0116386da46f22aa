"""End to end: audio file → MP4, probed and decoded with the real ffmpeg, rendered on real EGL."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import decode_frames, encode, invoke, start_deepviz

from deepviz.cli import main
from deepviz.extract.decode import probe
from deepviz.extract.synth import synth_track

W, H, FPS = 96, 64, 12
SMALL = ["--size", f"{W}x{H}", "--fps", str(FPS), "--preset", "ultrafast", "--samples", "2", "-q"]


def render(*args, expect: int = 0):
    result = CliRunner().invoke(main, ["render", *map(str, args)])
    assert result.exit_code == expect, result.output
    return result


@pytest.mark.parametrize("scene", ["bar", "real"])
def test_render_gives_h264_aac_mp4_as_long_as_the_audio(tmp_path, music_mp3, scene):
    out = tmp_path / f"{scene}.mp4"
    render(music_mp3, "-o", out, "--scene", scene, *SMALL)
    info = probe(out)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert (info.width, info.height) == (W, H)
    assert info.fps == FPS
    frames = decode_frames(out, W, H)
    assert abs(len(frames) / FPS - 4.0) <= 1 / FPS
    assert abs(info.duration - 4.0) <= 1 / FPS + 0.05  # container duration includes AAC priming
    # the picture moves with the music, to the very end
    diffs = np.abs(np.diff(frames.astype(np.int16), axis=0)).mean(axis=(1, 2, 3))
    assert (diffs > 0).mean() > 0.8
    assert diffs[-3:].max() > 0
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]  # no temp file left


def test_constant_audio_gives_a_still_picture(tmp_path, silence_wav):
    out = tmp_path / "still.mp4"
    render(silence_wav, "-o", out, "--scene", "bar", *SMALL, "--crf", "0")
    frames = decode_frames(out, W, H)
    assert np.abs(frames.astype(np.int16) - frames[0]).max() == 0


def test_same_seed_same_frames_and_sections_match(tmp_path, music_wav):
    a, b, c = tmp_path / "a.mp4", tmp_path / "b.mp4", tmp_path / "c.mp4"
    opts = ["--scene", "real", "--seed", "7", "--smoothing", "0.3", "--crf", "0"]
    render(music_wav, "-o", a, *SMALL, *opts)
    render(music_wav, "-o", b, *SMALL, *opts)
    fa, fb = decode_frames(a, W, H), decode_frames(b, W, H)
    np.testing.assert_array_equal(fa, fb)
    render(music_wav, "-o", c, *SMALL, *opts, "--start", "1.5", "--duration", "1")
    fc = decode_frames(c, W, H)
    assert len(fc) == FPS
    first = int(1.5 * FPS)
    assert np.abs(fc.astype(np.int16) - fa[first : first + FPS]).max() <= 3  # lossless-ish crf 0
    assert abs(probe(c).duration - 1.0) < 0.1


def test_short_audio_still_renders(tmp_path):
    y, _ = synth_track(5, 0.4, "rock")
    wav = encode(y, tmp_path / "short.wav")
    out = tmp_path / "short.mp4"
    render(wav, "-o", out, "--scene", "bar", *SMALL)
    frames = decode_frames(out, W, H)
    assert abs(len(frames) - round(0.4 * FPS)) <= 1


def test_dump_params_match_the_rendered_frames(tmp_path, music_wav):
    out, csv = tmp_path / "p.mp4", tmp_path / "p.csv"
    render(music_wav, "-o", out, "--scene", "bar", *SMALL, "--dump-params", csv)
    rows = np.loadtxt(csv, delimiter=",", skiprows=1)
    assert rows.shape == (
        len(decode_frames(out, W, H)),
        15,
    )  # frame, time, 10 parameters, pulse, level, section
    assert rows[:, 2:-1].min() >= 0 and rows[:, 2:-1].max() <= 1
    assert np.all(rows[:, -1] == np.round(rows[:, -1])) and rows[0, -1] == 0  # section numbers
    header = csv.read_text().splitlines()[0].split(",")
    assert header[:2] == ["frame", "time"] and len(header) == 15


def test_refuses_to_overwrite_without_y(tmp_path, music_wav):
    out = tmp_path / "exists.mp4"
    out.write_bytes(b"keep me")
    result = render(music_wav, "-o", out, *SMALL, expect=1)
    assert "already exists" in result.output and str(out) in result.output
    assert out.read_bytes() == b"keep me"


def _cli_inproc(*args):
    """The CLI in this process (fast); same exit code and stderr as the console script."""
    result = CliRunner().invoke(main, list(map(str, args)))
    result.returncode = result.exit_code
    return result


def test_console_script_error_has_no_traceback(tmp_path):
    proc = _cli("render", tmp_path / "missing.ogg", "-o", tmp_path / "o.mp4")
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"deepviz: error: {tmp_path / 'missing.ogg'}: no such file"


def _cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "deepviz", *map(str, args)], capture_output=True, text=True, env=env
    )


@pytest.mark.parametrize(
    "make_input, problem",
    [
        (lambda d: d / "nope.mp3", "no such file"),
        (lambda d: _write(d / "empty.wav", b""), "file is empty"),
        (lambda d: _write(d / "text.mp3", b"just some text\n" * 40), "cannot decode audio"),
    ],
)
def test_bad_input_one_line_error_and_no_output(tmp_path, make_input, problem):
    src = make_input(tmp_path)
    out = tmp_path / "out.mp4"
    proc = _cli_inproc("render", src, "-o", out, *SMALL)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and problem in lines[0] and str(src) in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists() and sorted(os.listdir(tmp_path)) == sorted(
        p for p in os.listdir(tmp_path) if not p.startswith(".")
    )


@pytest.mark.parametrize(
    "target, problem",
    [
        (lambda d: d / "missing-folder" / "o.mp4", "output folder does not exist"),
        # (an existing folder is no longer an error: the video goes into it, see below)
        (lambda d: "/proc/deepviz-test.mp4", "/proc/deepviz-test.mp4: cannot write"),
    ],
)
def test_unwritable_output(tmp_path, music_wav, target, problem):
    proc = _cli_inproc("render", music_wav, "-o", target(tmp_path), *SMALL)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and problem in lines[0], proc.stderr


def test_no_egl_is_a_clear_error(tmp_path, music_wav):
    env = dict(
        os.environ,
        __EGL_VENDOR_LIBRARY_FILENAMES="/nonexistent.json",
        __EGL_VENDOR_LIBRARY_DIRS="/nonexistent",
    )
    out = tmp_path / "o.mp4"
    proc = _cli("render", music_wav, "-o", out, *SMALL, env=env)
    assert proc.returncode == 1, proc.stderr
    assert "EGL" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists() and not os.listdir(tmp_path)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_batch_renders_a_folder_and_reports_a_broken_file(tmp_path, music):
    src = tmp_path / "Rock"
    src.mkdir()
    encode(music[: 2 * 44100], src / "one.wav")
    encode(music[44100 : 3 * 44100], src / "two.flac")
    _write(src / "three.mp3", b"broken" * 100)
    out = tmp_path / "videos"
    result = CliRunner().invoke(
        main, ["render", str(src), "-o", str(out), "--scene", "bar", *SMALL]
    )
    assert result.exit_code == 1
    videos = sorted(p.name for p in out.iterdir() if p.suffix == ".mp4")
    assert videos == ["one.mp4", "two.mp4"] and (out / "summary.csv").is_file()
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("deepviz: error")]
    assert len(errors) == 2 and "three.mp3" in errors[0] and "1 of 3 tracks failed" in errors[1]
    assert abs(probe(out / "two.mp4").duration - 2.0) < 0.15


def test_scenes_command_lists_parameters_ranges_and_priority():
    result = CliRunner().invoke(main, ["scenes"])
    assert result.exit_code == 0
    rows = {ln.split()[0]: ln.split() for ln in result.output.splitlines() if ln.startswith("  ")}
    assert rows["sphRad"][1:5] == ["0.15", "to", "0.6", "units"] and rows["sphRad"][5] == "1"
    assert rows["camHeight"][-3:] == ["10", "camera", "height"]
    assert {f"bar{i}" for i in range(10)} <= set(rows)
    assert rows["neon"][1] == "#00f0ff" and "spectrum" in rows  # and the palettes


def test_compare_tiles_one_labelled_panel_per_mapping(tmp_path, music_wav):
    out = tmp_path / "cmp.mp4"
    tiles = "--mappings deterministic,pca:minmax --size 192x64 --fps 12 --preset ultrafast"
    result = invoke("compare", music_wav, "-o", out, *tiles.split(), "--crf", "0", "-q")
    assert result.exit_code == 0, result.output
    info = probe(out)
    assert (info.width, info.height, info.audio_codec) == (192, 64, "aac")
    frames = decode_frames(out, 192, 64)
    assert abs(len(frames) / 12 - 4.0) <= 1 / 12
    left, right = frames[:, :, :96].astype(int), frames[:, :, 96:].astype(int)
    assert np.abs(left - right).mean() > 1  # the two mappings draw different bars
    assert np.abs(np.diff(left, axis=0)).mean() > 0  # and each panel moves
    bad = CliRunner().invoke(
        main, ["compare", str(music_wav), "-o", str(tmp_path / "b.mp4"), "--mappings", "pca,wobble"]
    )
    assert bad.exit_code == 1 and "wobble" in bad.output and not (tmp_path / "b.mp4").exists()


def test_start_past_the_end_fails_before_extraction(tmp_path, music_wav):
    result = CliRunner().invoke(
        main, ["render", str(music_wav), "-o", str(tmp_path / "o.mp4"), "--start", "60"]
    )
    assert result.exit_code == 1
    assert "past the end" in result.output and "extracting" not in result.output


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_clean_up_like_ctrl_c(tmp_path, signum):
    y, _ = synth_track(9, 20.0, "rock")
    wav = encode(y, tmp_path / "long.wav")
    out = tmp_path / "v.mp4"
    stale = tmp_path / ".v.999999.abcd.part.mp4"  # left by a process that was SIGKILLed
    stale.write_bytes(b"half a video")
    options = [*"--size 320x180 --preset ultrafast -q --dump-params".split(), tmp_path / "v.csv"]
    proc = start_deepviz("render", wav, "-o", out, *options)
    deadline = time.time() + 60
    while time.time() < deadline and not [
        p for p in tmp_path.iterdir() if p.name.startswith(".") and p != stale
    ]:
        time.sleep(0.05)
    time.sleep(0.5)  # well into the render
    proc.send_signal(signum)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 128 + signum and "interrupted" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.wav"]  # no part, stale part, csv


def test_output_that_appears_during_a_render_is_kept(tmp_path, music_wav):
    from deepviz.core.errors import DeepvizError
    from deepviz.core.files import atomic_path

    target = tmp_path / "t.csv"
    with pytest.raises(DeepvizError, match="appeared while"):
        with atomic_path(target, replace=False) as tmp:
            tmp.write_text("mine")
            target.write_text("someone else's")  # another program wins the race
    assert target.read_text() == "someone else's" and len(list(tmp_path.iterdir())) == 1
    result = render(music_wav, "-o", "/dev/null", "-y", *SMALL, expect=1)
    assert "not a regular file" in result.output


def test_a_batch_never_overwrites_an_input_and_names_colliding_inputs(tmp_path, music_wav):
    (tmp_path / "a").mkdir()
    for name in ("x.wav", "x.flac"):
        (tmp_path / "a" / name).write_bytes(music_wav.read_bytes())
    result = render(tmp_path / "a", "-o", tmp_path / "out", *SMALL, expect=1)
    assert "a/x.flac and" in result.output and "a/x.wav would both write" in result.output
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "y.mp4").write_bytes(b"an input video")
    (tmp_path / "c" / "y.wav").write_bytes(music_wav.read_bytes())
    result = render(tmp_path / "c", "-o", tmp_path / "c", "-y", *SMALL, expect=1)
    assert "would" in result.output and (tmp_path / "c" / "y.mp4").read_bytes() == b"an input video"


def test_dump_params_is_not_overwritten_without_y(tmp_path, music_wav):
    dump = tmp_path / "p.csv"
    dump.write_text("keep me")
    result = render(music_wav, "-o", tmp_path / "v.mp4", "--dump-params", dump, *SMALL, expect=1)
    assert "already exists" in result.output and dump.read_text() == "keep me"
    assert not (tmp_path / "v.mp4").exists()


def test_output_folder_with_one_input_gets_the_named_video(tmp_path, music_wav):
    render(music_wav, "-o", f"{tmp_path / 'new'}/", *SMALL)
    assert (tmp_path / "new" / "music.mp4").is_file()
    (tmp_path / "old").mkdir()
    render(music_wav, "-o", tmp_path / "old", *SMALL)
    assert (tmp_path / "old" / "music.mp4").is_file()


def test_ntsc_rates_are_exact_rationals(tmp_path, music_wav):
    from deepviz.extract.ffmpeg import ffmpeg_exe
    from deepviz.renderer.encoder import fps_rational

    assert [fps_rational(f) for f in (29.97, 23.976, 59.94, 30, 12.5)] == [
        "30000/1001",
        "24000/1001",
        "60000/1001",
        "30/1",
        "25/2",
    ]
    out = tmp_path / "ntsc.mp4"
    render(music_wav, "-o", out, *SMALL, "--fps", "29.97")
    report = subprocess.run([ffmpeg_exe(), "-i", str(out)], capture_output=True, text=True).stderr
    assert "29.97 fps" in report and "30k tbn" in report  # 30000/1001, not 2997/100


def test_kmeans_with_other_cluster_counts_is_refused_before_extraction(tmp_path, music_wav):
    kmeans_5 = ["--mapping", "kmeans", "--clusters", "5", *SMALL[:-1]]
    result = render(music_wav, "-o", tmp_path / "k.mp4", *kmeans_5, expect=1)
    assert "--clusters 10" in result.output and "extracting" not in result.output


@pytest.mark.parametrize(
    "ext,video,audio",
    [
        (".webm", "vp9", "opus"),
        (".mov", "h264", "aac"),
        (".mkv", "h264", "aac"),
        (".gif", "gif", None),
    ],
)
def test_the_extension_chooses_the_format(tmp_path, music_wav, ext, video, audio):
    out = tmp_path / f"v{ext}"
    render(music_wav, "-o", out, *SMALL)
    info = probe(out)
    assert (info.video_codec, info.audio_codec, info.width, info.height) == (video, audio, W, H)
    assert abs(info.duration - 4.0) < 0.2
    result = render(music_wav, "-o", tmp_path / "v.avi", *SMALL, expect=1)
    assert ".mp4, .mov, .mkv, .webm, .gif" in result.output and not (tmp_path / "v.avi").exists()


def test_size_presets_and_a_vertical_frame_keeps_every_ball_in_view(tmp_path):
    from deepviz.core.options import parse_size
    from deepviz.scenes import create_context
    from deepviz.scenes.real import RealScene

    assert parse_size("vertical") == (1080, 1920) and parse_size("4K") == (3840, 2160)
    assert parse_size("square") == (1080, 1080) and parse_size("720p") == (1280, 720)
    ctx = create_context()
    scene = RealScene(ctx, 108, 192)
    try:
        for extreme in range(8):
            values = np.zeros(10, np.float32)
            values[:3] = 1.0  # white balls under a black sky
            values[6], values[7], values[9] = extreme >> 2 & 1, extreme >> 1 & 1, extreme & 1
            scene.update(values, 1 / 30)
            img = np.frombuffer(scene.frame(), np.uint8).reshape(192, 108, 3).astype(float)
            bright = img @ np.array([0.3, 0.59, 0.11]) > 60
            assert bright.mean() > 0.01
            assert not bright[:, :2].any() and not bright[:, -2:].any()  # nothing cut at the sides
    finally:
        scene.release()
        ctx.release()


def test_a_video_records_how_it_was_made_and_info_reads_it(tmp_path, music_wav):
    out = tmp_path / "v.mp4"
    palette = tmp_path / "brand.json"
    palette.write_text('{"colors": ["#ff0000", "#00ff00"]}')
    render(music_wav, "-o", out, *SMALL, "--seed", "5", "--pulse", "0.5", "--palette", palette)
    result = CliRunner().invoke(main, ["info", str(out), "--json"])
    assert result.exit_code == 0, result.output
    import json

    record = json.loads(result.output)
    assert record["seed"] == 5 and record["pulse"] == 0.5 and record["model"] == "default"
    assert record["fit"] == "default.fit.json" and len(record["fit_sha256"]) == 32
    assert record["model_key"].startswith("default-") and record["mapping"]["method"] == "pca"
    assert record["palette"] == "brand.json" and len(record["palette_sha256"]) == 32
    bad = CliRunner().invoke(main, ["info", str(music_wav)])
    assert bad.exit_code == 1 and "no deepviz provenance" in bad.output


def test_a_draft_is_drawn_at_half_the_size_and_scaled_up(tmp_path, music_wav):
    from deepviz.renderer.options import VideoOptions

    assert VideoOptions(size=(1280, 720), quality="draft").drawn().size == (640, 360)
    assert VideoOptions(size=(426, 240), quality="draft").drawn().size == (426, 240)  # a preview
    assert VideoOptions(size=(1280, 720)).drawn().size == (1280, 720)
    size, common = (
        (576, 540),
        ["--size", "576x540", "--fps", "8", "--duration", "1.5", "-q", "--title", "Draft"],
    )
    videos = {}
    for quality in ("draft", "normal"):
        videos[quality] = tmp_path / f"{quality}.mp4"
        render(music_wav, "-o", videos[quality], "--quality", quality, *common)
        assert (probe(videos[quality]).width, probe(videos[quality]).height) == size
    draft, normal = (decode_frames(v, *size).astype(float) for v in videos.values())
    assert draft.shape == normal.shape
    # the same picture, softer: close to the full drawing, far closer than another moment of it
    assert np.abs(draft - normal).mean() < 0.5 * np.abs(normal[:-4] - normal[4:]).mean() + 4
    title = (slice(470, 520), slice(20, 200))  # the title at the lower left, scaled with the frame
    assert np.abs(draft[:, title[0], title[1]] - normal[:, title[0], title[1]]).mean() < 12


def test_still_and_preview(tmp_path, music_wav):
    from PIL import Image

    png = tmp_path / "f.png"
    result = invoke("still", music_wav, "-o", png, *"--at 2 --size 96x64 --fps 12 -q".split())
    assert result.exit_code == 0, result.output
    still = np.asarray(Image.open(png).convert("RGB"))
    out = tmp_path / "v.mp4"
    lossless = "--crf 0 -q --samples 4 --preset ultrafast".split()
    render(music_wav, "-o", out, "--size", f"{W}x{H}", "--fps", FPS, *lossless)
    frames = decode_frames(out, W, H).astype(int)
    same, other = np.abs(frames[2 * FPS] - still).mean(), np.abs(frames[FPS] - still).mean()
    assert same < 6 and same < other / 2  # that frame of the video (less yuv420p's chroma loss)
    draft = tmp_path / "draft.mp4"
    render(music_wav, "-o", draft, "--size", "480x270", "--preview", "-q")
    assert (probe(draft).width, probe(draft).height) == (160, 90)


def _x264_options(video) -> str:
    """The settings x264 wrote into the stream (its SEI: 'x264 - core … options: …')."""
    data = video.read_bytes()
    k = data.find(b"options: ")
    return data[k : data.find(b"\x00", k)].decode(errors="replace")


def test_quality_profiles_and_expert_overrides(tmp_path, music_wav):
    common = ["--size", "96x64", "--fps", "10", "-q"]
    for args, want in (
        ([], ["subme=0", "deblock=1:1:1", "cabac=0", "crf=20.0"]),
        (["--quality", "draft"], ["subme=0", "crf=23.0"]),
        (["--quality", "small"], ["subme=7", "bframes=3", "crf=22.0"]),
        (["--preset", "medium", "--crf", "20"], ["subme=7", "bframes=3", "crf=20.0"]),
        (["--crf", "30"], ["subme=0", "deblock=1:1:1", "crf=30.0"]),
    ):
        out = tmp_path / f"q{'_'.join(args).replace('-', '')}.mp4"
        render(music_wav, "-o", out, *common, *args)
        options = _x264_options(out)
        assert all(w in options.split() for w in want), (args, options)


def test_encoder_choice_falls_back_to_x264_without_nvenc(tmp_path, music_wav):
    from deepviz.renderer.encoder import choose_encoder

    assert choose_encoder("auto", "llvmpipe (LLVM 15.0.6, 256 bits)") == "x264"
    assert choose_encoder("x264", "NVIDIA H100 PCIe/PCIe/SSE2") == "x264"
    # a GPU renderer but an ffmpeg/GPU without NVENC here: auto falls back, nvenc is refused
    assert choose_encoder("auto", "NVIDIA H100 PCIe/PCIe/SSE2") == "x264"
    out = tmp_path / "n.mp4"
    result = render(music_wav, "-o", out, "--encoder", "nvenc", *SMALL, expect=1)
    assert "--encoder nvenc: h264_nvenc cannot encode here (" in result.output
    assert (
        "Terminating thread" not in result.output
    )  # the encoder's own reason, not a shutdown line
    assert not out.exists() and not list(tmp_path.glob(".*part*"))
    render(music_wav, "-o", f"{tmp_path}/seq/%05d.png", "--encoder", "nvenc", *SMALL)  # no H.264
    assert list((tmp_path / "seq").glob("*.png"))


def _still(*args) -> np.ndarray:
    from PIL import Image

    out = Path(args[args.index("-o") + 1])
    result = CliRunner().invoke(main, ["still", *map(str, args)])
    assert result.exit_code == 0, result.output
    return np.asarray(Image.open(out).convert("RGB")).astype(float)


def test_title_artist_from_tags_or_options_and_a_logo(tmp_path, music):
    from PIL import Image

    tagged = encode(
        music[: 3 * 44100],
        tmp_path / "tagged.flac",
        args=("-metadata", "title=Night Drive", "-metadata", "artist=The Synths"),
    )
    common = ["--at", "1.5", "--size", "320x180", "-q"]
    plain = _still(tagged, "-o", tmp_path / "plain.png", "--no-title", *common)
    from_tags = _still(tagged, "-o", tmp_path / "tags.png", *common)
    given = _still(tagged, "-o", tmp_path / "given.png", "--title", "Other", *common)
    lower_left = (slice(110, 170), slice(0, 160))
    assert np.abs(from_tags - plain)[lower_left].mean() > 2.0  # the tags' title and artist
    assert np.abs(from_tags - plain)[:90].max() == 0  # nothing else changes
    assert np.abs(given - from_tags)[lower_left].mean() > 0.5  # another title
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (64, 64), (255, 0, 0, 255)).save(logo)
    red = _still(tagged, "-o", tmp_path / "logo_.png", "--no-title", "--logo", logo, *common)
    corner = red[150:170, 290:310]  # bottom-right, inside the margin
    assert (corner[..., 0] > 200).all() and (corner[..., 1:] < 60).all()
    assert np.abs(red - plain)[:100, :200].max() == 0


def test_a_bad_logo_is_one_line_before_any_work(tmp_path, music_wav):
    from PIL import Image

    notes = tmp_path / "logo.png"
    notes.write_text("not an image")
    huge = tmp_path / "huge.png"
    Image.new("1", (5000, 5000)).save(huge)
    for logo, problem in (
        (notes, "not an image"),
        (huge, "at most 4096x4096"),
        (tmp_path / "none.png", "no such logo file"),
    ):
        result = render(music_wav, "-o", tmp_path / "v.mp4", "--logo", logo, *SMALL, expect=1)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and problem in lines[0] and str(logo) in lines[0], lines
        assert not (tmp_path / "v.mp4").exists()


def test_a_png_sequence_holds_the_very_frames(tmp_path, music_wav):
    from PIL import Image

    frames = tmp_path / "seq"
    second_1 = "--size 96x64 --fps 10 --start 1 --duration 1 -q".split()
    render(music_wav, "-o", f"{frames}/%05d.png", *second_1)
    assert sorted(p.name for p in frames.iterdir()) == [f"{i:05d}.png" for i in range(10, 20)]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder
    still = _still(
        music_wav, "-o", tmp_path / "at.png", "--at", "1.5", "--size", "96x64", "--fps", "10", "-q"
    )
    frame = np.asarray(Image.open(frames / "00015.png").convert("RGB")).astype(float)
    assert np.array_equal(frame, still)  # lossless: the frame the still shows
    again = render(music_wav, "-o", f"{frames}/%05d.png", *SMALL, expect=1)
    assert "already holds files" in again.output
    plain = render(music_wav, "-o", tmp_path / "one.png", *SMALL, expect=1)
    assert "frame number pattern" in plain.output and "deepviz still" in plain.output
