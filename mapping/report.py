"""`deepviz analyze`'s report folder: PNG figures (matplotlib), index.html, stats.json."""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np

from deepviz.core.errors import DeepvizError
from deepviz.core.files import atomic_path

HEATMAP_TRACKS = 8
COLUMNS = ("silhouette", "within_std", "spread", "mean_abs_corr", "identify", "rho", "splice_ratio")
HEADERS = ("silhouette ↑", "within-track std ↑", "spread of means ↑", "mean |r| ↓", "identify ↑",
           "rho ↑", "splice jump / step ↑")  # fmt: skip


def pyplot():
    """matplotlib's pyplot on the Agg backend, or a one-line error saying how to install it."""
    try:
        import matplotlib  # lazy: matplotlib is an optional extra, deepviz[analysis]

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise DeepvizError(
            "deepviz analyze draws its figures with matplotlib: pip install 'deepviz[analysis]'"
        ) from None
    return plt


def _save(plt, fig, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _errorbars(ax, space: dict, title: str) -> None:
    """Per-component mean ± std: all tracks in black, each genre beside it in its colour."""
    groups = [("all", space["overall"])] + sorted(space["by_genre"].items())
    width = 0.8 / len(groups)
    for g, (name, s) in enumerate(groups):
        x = np.arange(len(s["mean"])) + (g - (len(groups) - 1) / 2) * width
        style = {"color": "black"} if name == "all" else {}
        ax.errorbar(x, s["mean"], yerr=s["std"], fmt="o", ms=2.5, lw=0.8, label=name, **style)
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("component", fontsize=8)
    ax.tick_params(labelsize=7)


def _grid(plt, names: list[str], doc: dict, path: Path, cols: int) -> None:
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5 * cols, 3.2 * rows), squeeze=False)
    for ax, name in zip(axes.ravel(), names):
        _errorbars(ax, doc["spaces"][name], name)
    for ax in axes.ravel()[len(names) :]:
        ax.axis("off")
    axes[0, 0].legend(fontsize=7, loc="best")
    _save(plt, fig, path)


def _variance(plt, ratios: list[float], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(5, 3.2))
    k = np.arange(1, len(ratios) + 1)
    ax.bar(k, ratios, color="#6a8caf")
    ax.plot(k, np.cumsum(ratios), "o-", color="black", ms=3, label="cumulative")
    ax.set(xlabel="PCA component", ylabel="share of variance")
    ax.legend(fontsize=8)
    _save(plt, fig, path)


def _heatmaps(plt, heat: list[dict], names: list[str], path: Path) -> None:
    fig, axes = plt.subplots(len(heat), 1, figsize=(9, 1.3 * len(heat) + 0.6), squeeze=False)
    for ax, h in zip(axes[:, 0], heat):
        values = np.asarray(h["values"])
        ax.imshow(
            values.T,
            aspect="auto",
            vmin=0,
            vmax=1,
            cmap="magma",
            interpolation="nearest",
            extent=(0, h["duration"], len(names) - 0.5, -0.5),
        )
        for t in h.get("sections", []):  # where a section begins: the place changes
            ax.axvline(t, color="cyan", linewidth=1.2, linestyle="--")
        ax.set_yticks(range(len(names)), names, fontsize=6)
        ax.set_title(f"{h['track']} ({h['genre']})", fontsize=8, loc="left")
        ax.tick_params(axis="x", labelsize=7)
    axes[-1, 0].set_xlabel("seconds")
    _save(plt, fig, path)


def _tracks2d(plt, pts: dict, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(5, 4))
    points, labels = np.asarray(pts["points"]), pts["labels"]
    for label in sorted(set(labels)):
        sel = [i for i, lab in enumerate(labels) if lab == label]
        ax.scatter(points[sel, 0], points[sel, 1], s=18, label=label)
    ax.set(xlabel="PC 1 of the track means", ylabel="PC 2")
    ax.legend(fontsize=7)
    _save(plt, fig, path)


def _table_html(rows: list[dict]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("mapping", *HEADERS))

    def cell(v) -> str:
        return "<td>–</td>" if v is None or v != v else f"<td>{v:.3f}</td>"

    body = "".join(
        f"<tr><td>{html.escape(r['mapping'])}</td>{''.join(cell(r[c]) for c in COLUMNS)}</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


FIGURES = [
    ("raw.png", "Raw features: per-component mean ± std over all segments (black) and per genre."),
    ("scaled.png", "Scaled features: standard and min-max scaling, across components and by "
     "feature (fitted on all tracks)."),
    ("transformed.png", "Transformed spaces: PCA, K-Means similarities, K-Means then PCA "
     "(before the final scaling)."),
    ("variance.png", "PCA of the min-max scaled features: share of variance per component."),
    ("heatmaps.png", "The ten parameters over time for some tracks, as the video draws them "
     "(dashed: where a section begins) "
     "(main mapping)."),
    ("tracks2d.png", "Each track's mean parameter vector, projected to 2-D by PCA, coloured by "
     "genre: apart = tracks look different."),
]  # fmt: skip

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>deepviz analyze</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}
figure{{margin:1.5em 0}} img{{max-width:100%;border:1px solid #ddd}}
figcaption{{font-size:.9em;color:#555}} table{{border-collapse:collapse;font-size:.85em}}
td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}} td:first-child{{text-align:left}}
</style></head><body>
<h1>deepviz analyze</h1>
<p>{summary}</p>
<h2>Mappings: the paper's two aims as numbers</h2>
<p>Silhouette of the per-track mean parameter vectors by genre (how different genres look);
mean within-track std of the per-frame parameters (how much the picture moves); spread of the
track means; mean |r| between parameters (high: colours move together, turn grey); parameter
jump where two tracks of different genres are spliced, over the median change per segment.</p>
{table}
{figures}
<h2>Skipped files</h2>
{skipped}
</body></html>
"""


def aims_table(rows: list[dict]) -> str:
    """The mappings' aims as a Markdown table (printed by the command, pasted in docs/default-look.md)."""
    lines = ["| mapping | " + " | ".join(HEADERS) + " |", "|---" + "|---:" * len(COLUMNS) + "|"]
    for r in rows:
        cells = ["–" if r.get(c) is None or r[c] != r[c] else f"{r[c]:.3f}" for c in COLUMNS]
        lines.append(f"| {r['mapping']} | " + " | ".join(cells) + " |")
    chance = rows[0].get("identify_chance") if rows else None
    return "\n".join(lines) + (f"\n\nidentify by chance: {chance:.3f}" if chance else "")


def _write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_report(folder: Path, doc: dict) -> list[Path]:
    """Figures, index.html and stats.json of an analysis `doc` into `folder`."""
    plt = pyplot()
    folder.mkdir(parents=True, exist_ok=True)
    spaces = list(doc["spaces"])
    _grid(plt, ["raw"], doc, folder / "raw.png", 1)
    _grid(plt, [s for s in spaces if " " in s], doc, folder / "scaled.png", 2)
    _grid(
        plt,
        [s for s in spaces if s in ("pca", "kmeans", "kmeans-pca")],
        doc,
        folder / "transformed.png",
        3,
    )
    _variance(plt, doc["pca_explained_variance"], folder / "variance.png")
    _heatmaps(plt, doc["heatmaps"], doc["param_names"], folder / "heatmaps.png")
    _tracks2d(plt, doc["tracks2d"], folder / "tracks2d.png")
    figures = "".join(
        f'<figure><img src="{name}" alt="{name}"><figcaption>{html.escape(cap)}</figcaption>'
        "</figure>"
        for name, cap in FIGURES
    )
    skipped = "".join(
        f"<li>{html.escape(s['file'])}: {html.escape(s['error'])}</li>" for s in doc["skipped"]
    )
    summary = (
        f"{len(doc['tracks'])} tracks in {len(doc['genres'])} genres, model "
        f"{html.escape(doc['model'])} ({doc['feature_dim']}-d features); main mapping: "
        f"{html.escape(doc['main'])}."
    )
    page = PAGE.format(
        summary=summary,
        table=_table_html(doc["mappings"]),
        figures=figures,
        skipped=f"<ul>{skipped}</ul>" if skipped else "<p>none</p>",
    )
    _write_text(folder / "index.html", page)
    _write_text(folder / "stats.json", json.dumps(doc, indent=1, allow_nan=False))
    return [folder / n for n, _ in FIGURES] + [folder / "index.html", folder / "stats.json"]
