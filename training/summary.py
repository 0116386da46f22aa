"""What `deepviz models` and `deepviz train` say of a checkpoint: its layers, size and training."""

from __future__ import annotations

from pathlib import Path

from deepviz.extract.checkpoint import load_checkpoint
from deepviz.extract.models.registry import ARCHITECTURES


def trained_summary(t: dict) -> str:
    """One line: best epoch, validation and test figures."""
    if not t:
        return "no training summary"
    parts = [f"best epoch {t.get('epochs')}"]
    if "val_loss" in t:
        parts.append(f"val loss {t['val_loss']:.4g}")
    for split in ("val", "test"):
        if f"{split}_accuracy" in t:
            parts.append(
                f"{split} accuracy {100 * t[f'{split}_accuracy']:.1f} % "
                f"(per track {100 * t.get(f'{split}_track_accuracy', 0):.1f} %)"
            )
    if "test_accuracy" not in t and "test_loss" in t:
        parts.append(f"test loss {t['test_loss']:.4g}")
    return ", ".join(parts)


def describe(path: Path, builtin: bool = False) -> dict:
    """What `deepviz models` shows of one checkpoint."""

    ckpt = load_checkpoint(path)
    layers = ckpt.layers
    arch = ARCHITECTURES.get(ckpt.arch)
    return {
        "name": ckpt.name,
        "path": str(path),
        "builtin": builtin,
        "arch": ckpt.arch,
        "paper_name": arch.paper_name if arch else ckpt.arch,
        "layers": layers,
        "default_layer": ckpt.default_layer or next(iter(layers)),
        "parameters": ckpt.n_parameters,
        "file_bytes": path.stat().st_size,
        "genres": ckpt.meta.get("genres", []),
        "corpus": ckpt.meta.get("corpus"),
        "trained": ckpt.meta.get("trained", {}),
    }


def model_lines(r: dict) -> list[str]:
    """`deepviz models`' text for one row of `describe`."""
    where = "built-in" if r["builtin"] else "file"
    lines = [f"{r['name']}  ({where}: {r['path']})"]
    if r.get("missing"):
        return lines + [
            f"  not installed: build it with `deepviz train --recipe default -o {r['path']}`"
        ]
    lines.append(
        f"  arch     {r['arch']} ({r['paper_name']}), "
        f"{r['parameters'] / 1e6:.2f} M parameters, {r['file_bytes'] / 1e6:.1f} MB"
    )
    layers = ", ".join(f"{k} ({v}-d)" for k, v in r["layers"].items())
    lines.append(f"  layers   {layers}; default {r['default_layer']}")
    if r["genres"]:
        lines.append(f"  labels   {', '.join(r['genres'])}")
    corpus = f" on {r['corpus']}" if r["corpus"] else ""
    lines.append(f"  trained  {trained_summary(r['trained'])}{corpus}")
    return lines
