"""A small seeded music synthesizer: drums, bass, chords and melody in several styles.

It gives deepviz a corpus it can make itself (no downloads): varied tempo, keys, timbres and
arrangement sections, so that a model trained on it responds to real music. numpy in, numpy out.
"""

from __future__ import annotations

import numpy as np

SR = 44100
STYLES = ("electronic", "rock", "ambient", "hiphop", "acoustic", "industrial")
_PROGRESSIONS = (
    [0, 7, 9, 5],
    [0, 5, 7, 5],
    [9, 5, 0, 7],
    [0, 3, 8, 10],
    [0, 8, 3, 10],
    [2, 7, 0, 0],
)
_MINOR = {3, 8, 10}


def midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def envelope(n: int, attack: float, decay: float, sr: int = SR) -> np.ndarray:
    """Linear attack then exponential decay (time constants in seconds)."""
    t = np.arange(n) / sr
    env = np.exp(-np.maximum(t - attack, 0) / max(decay, 1e-3))
    if attack > 0:
        env *= np.minimum(t / attack, 1.0)
    return env


def oscillator(
    freq: float, n: int, shape: str, rng: np.random.Generator, sr: int = SR
) -> np.ndarray:
    phase = 2 * np.pi * freq * np.arange(n) / sr + rng.uniform(0, 2 * np.pi)
    if shape == "sine":
        return np.sin(phase)
    if shape == "saw":  # band-limited enough by summing a few harmonics
        k = np.arange(1, max(2, min(12, int(8000 / max(freq, 1)))))
        return (np.sin(np.outer(phase, k)) / k).sum(axis=1) * 0.6
    if shape == "square":
        k = np.arange(1, max(2, min(12, int(8000 / max(freq, 1)))), 2)
        return (np.sin(np.outer(phase, k)) / k).sum(axis=1) * 0.8
    if shape == "fm":
        return np.sin(phase + 2.5 * np.exp(-np.arange(n) / sr * 3) * np.sin(phase * 2.01))
    if shape == "organ":
        return (np.sin(phase) + 0.5 * np.sin(2 * phase) + 0.25 * np.sin(3 * phase)) / 1.75
    raise ValueError(shape)


def _place(out: np.ndarray, sound: np.ndarray, start: int) -> None:
    end = min(len(out), start + len(sound))
    if start < end:
        out[start:end] += sound[: end - start]


def kick(rng, sr=SR) -> np.ndarray:
    n = int(0.35 * sr)
    t = np.arange(n) / sr
    f = 45 + rng.uniform(60, 110) * np.exp(-t * 30)
    return np.sin(2 * np.pi * np.cumsum(f) / sr) * envelope(n, 0.002, 0.12)


def snare(rng, sr=SR) -> np.ndarray:
    n = int(0.25 * sr)
    noise = rng.standard_normal(n) * envelope(n, 0.001, 0.06)
    tone = np.sin(2 * np.pi * rng.uniform(160, 220) * np.arange(n) / sr) * envelope(n, 0.001, 0.04)
    return 0.5 * noise + 0.5 * tone


def hihat(rng, open_: bool = False, sr=SR) -> np.ndarray:
    n = int((0.25 if open_ else 0.06) * sr)
    noise = np.diff(rng.standard_normal(n + 1))  # first difference: a crude high-pass
    return 0.25 * noise * envelope(n, 0.0005, 0.08 if open_ else 0.015)


_BPM = {
    "electronic": (118, 140),
    "rock": (95, 150),
    "ambient": (60, 85),
    "hiphop": (80, 98),
    "acoustic": (70, 120),
    "industrial": (125, 175),
}
_TIMBRES = {
    "electronic": ("saw", "square", "fm"),
    "rock": ("saw", "saw", "square"),
    "ambient": ("sine", "organ", "fm"),
    "hiphop": ("sine", "fm", "organ"),
    "acoustic": ("fm", "sine", "organ"),
    "industrial": ("square", "saw", "saw"),
}
FOUR_ON_THE_FLOOR = ("electronic", "industrial")


def _drums(out: np.ndarray, style: str, s: int, t0: int, rng: np.random.Generator) -> None:
    """The drum hits of sixteenth `s` of a bar."""
    if style == "hiphop":
        if s in (0, 7, 10):
            _place(out, 0.9 * kick(rng), t0)
        if s in (4, 12):
            _place(out, 0.6 * snare(rng), t0)
        if s % 2 == 0:
            _place(out, hihat(rng), t0)
        return
    four = style in FOUR_ON_THE_FLOOR
    if (four and s % 4 == 0) or (not four and s in (0, 8, 10)):
        _place(out, 0.9 * kick(rng), t0)
    if s in (4, 12):
        _place(out, 0.55 * snare(rng), t0)
    if s % 2 == (1 if four else 0):
        _place(out, hihat(rng, open_=four and s % 4 == 2), t0)


def _bass(out, style, s, t0, chord_root, step, shape, rng, sr) -> None:
    if s % (2 if style in FOUR_ON_THE_FLOOR else 4) == 0:
        dur = int(step * (2 if style != "ambient" else 16) * sr)
        note = chord_root - 12 + (7 if s == 12 and rng.random() < 0.4 else 0)
        tone = oscillator(midi_hz(note), dur, shape, rng) * envelope(dur, 0.005, step * 2)
        _place(out, 0.35 * tone, t0)


def _lead(out, style, t0, chord_root, third, step, shape, rng, sr) -> None:
    if rng.random() < (0.45 if style != "ambient" else 0.12):
        dur = int(step * rng.choice([1, 2, 3]) * sr)
        scale = [0, 2, 4, 7, 9] if third == 4 else [0, 3, 5, 7, 10]
        note = chord_root + 24 + scale[rng.integers(5)] + 12 * (rng.random() < 0.2)
        tone = oscillator(midi_hz(note), dur, shape, rng) * envelope(dur, 0.01, step)
        _place(out, 0.18 * tone, t0)


def _chord(out, style, bar_start, beat, chord_root, third, shape, rng, sr) -> None:
    dur = int(4 * beat * sr)
    chord = sum(oscillator(midi_hz(chord_root + 12 + iv), dur, shape, rng) for iv in (0, third, 7))
    attack = 0.3 if style == "ambient" else 0.01
    env = envelope(dur, attack, 4 * beat * (1.0 if style == "ambient" else 0.4))
    _place(out, 0.12 * chord * env, int(bar_start * sr))


def synth_track(seed: int, duration: float = 30.0, style: str | None = None, sr: int = SR):
    """One seeded track: returns (mono float32 audio in [-1, 1], style name)."""
    rng = np.random.default_rng(seed)
    style = style or STYLES[rng.integers(len(STYLES))]
    n = int(duration * sr)
    out = np.zeros(n)
    beat = 60.0 / rng.uniform(*_BPM[style])
    step = beat / 4  # sixteenth notes
    root = 36 + int(rng.integers(0, 12))
    prog = _PROGRESSIONS[rng.integers(len(_PROGRESSIONS))]
    timbre = _TIMBRES[style]
    bass_shape, chord_shape, lead_shape = (timbre[rng.integers(3)] for _ in range(3))
    n_bars = int(np.ceil(duration / (4 * beat)))
    # Sections of 4 bars: each turns layers on or off, so the music changes over the track.
    sections = [rng.random(4) < (0.35, 0.75, 0.8, 0.6) for _ in range(n_bars // 4 + 1)]
    sections[0][:] = [False, True, True, False]  # intro: chords and bass
    for bar in range(n_bars):
        layers = sections[bar // 4]
        has_drums, has_bass, has_chords, has_lead = style != "ambient" and layers[0], *layers[1:]
        has_chords = has_chords or not layers.any()
        chord_root = root + prog[bar % len(prog)]
        third = 3 if prog[bar % len(prog)] in _MINOR else 4
        bar_start = bar * 4 * beat
        for s in range(16):
            t0 = int((bar_start + s * step) * sr)
            if t0 >= n:
                break
            if has_drums:
                _drums(out, style, s, t0, rng)
            if has_bass:
                _bass(out, style, s, t0, chord_root, step, bass_shape, rng, sr)
            if has_lead:
                _lead(out, style, t0, chord_root, third, step, lead_shape, rng, sr)
        if has_chords:
            _chord(out, style, bar_start, beat, chord_root, third, chord_shape, rng, sr)
    if style in ("rock", "industrial"):
        out = np.tanh(out * 2.5) / 1.5  # distortion
    if style == "ambient":
        out += 0.01 * rng.standard_normal(n)  # air
    peak = np.abs(out).max() or 1.0
    return (0.89 * out / peak).astype(np.float32), style


def fade(y: np.ndarray, seconds: float = 0.5, sr: int = SR) -> np.ndarray:
    k = min(len(y) // 2, int(seconds * sr))
    ramp = np.linspace(0.0, 1.0, k, dtype=np.float32)
    y = y.copy()
    y[:k] *= ramp
    y[len(y) - k :] *= ramp[::-1]
    return y


def demo_mix(seed: int = 2026, sr: int = SR) -> np.ndarray:
    """The bundled demo track: ambient intro, electronic middle, rock ending, crossfaded (30 s)."""
    parts = [("ambient", 8.0), ("electronic", 14.0), ("rock", 9.0)]
    xfade = int(0.5 * sr)
    out = np.zeros(0, dtype=np.float32)
    for i, (style, seconds) in enumerate(parts):
        y, _ = synth_track(seed + i, seconds, style, sr)
        if out.size:
            ramp = np.linspace(0.0, 1.0, xfade, dtype=np.float32)
            y[:xfade] = y[:xfade] * ramp + out[-xfade:] * ramp[::-1]
            out = out[:-xfade]
        out = np.concatenate([out, y])
    return fade(out, 0.3, sr)
