"""Mapping options: which method, which scaling, and their validation."""

from __future__ import annotations

from dataclasses import dataclass, field

from deepviz.core.errors import DeepvizError

METHODS = ("deterministic", "random", "pca", "kmeans", "kmeans-pca", "contrast")
PAPER_METHODS = METHODS[:5]  # I–V; contrast is deepviz's, for reference fits of many tracks
SCALINGS = ("standard", "minmax")
SCALE_BY = ("features", "across")
# scaling by features would destroy the components' order by variance (or by contrast)
ACROSS_ONLY = ("pca", "kmeans-pca", "contrast")


def check_choice(what: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise DeepvizError(f"unknown {what} {value!r}; choose one of: {', '.join(choices)}")


@dataclass
class MappingOptions:
    """The paper's mapping choices. `scale_by=None` means the method's own default.

    For `pca` and `kmeans-pca` scaling is always across components: asking for `features`
    switches to `across` and adds a line to `warnings` (for the caller to print).
    """

    method: str = "deterministic"
    scaling: str = "standard"
    scale_by: str | None = "features"
    n_clusters: int = 10
    seed: int = 0
    warnings: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_choice("mapping method", self.method, METHODS)
        check_choice("scaling", self.scaling, SCALINGS)
        if self.scale_by is None:
            self.scale_by = "across" if self.method in ACROSS_ONLY else "features"
        check_choice("scale-by", self.scale_by, SCALE_BY)
        if self.method in ACROSS_ONLY and self.scale_by == "features":
            self.scale_by = "across"
            self.warnings.append(
                f"--scale-by features does not apply to --mapping {self.method}: scaling by "
                "features would undo the order of the components by variance; scaling across"
            )
        for name in ("n_clusters", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise DeepvizError(f"{name} must be an integer, got {value!r}")
        if self.n_clusters < 1:
            raise DeepvizError(f"the number of clusters must be at least 1, got {self.n_clusters}")
        if self.method == "kmeans" and self.n_clusters != 10:  # before any work, not after it
            raise DeepvizError(
                f"--mapping kmeans drives one parameter per cluster, so it needs --clusters 10, got "
                f"{self.n_clusters}; use --mapping kmeans-pca for other counts"
            )
        if not 0 <= self.seed < 2**32:
            raise DeepvizError(f"the seed must be in [0, 2**32), got {self.seed}")

    def to_dict(self) -> dict[str, object]:
        """The five options as plain JSON values."""
        return {
            "method": self.method,
            "scaling": self.scaling,
            "scale_by": self.scale_by,
            "n_clusters": self.n_clusters,
            "seed": self.seed,
        }


ROMAN = {"deterministic": "I", "random": "II", "pca": "III", "kmeans": "IV", "kmeans-pca": "V",
         "contrast": "VI"}  # fmt: skip


def parse_mapping_specs(text: str, clusters: int, seed: int) -> list[tuple[str, MappingOptions]]:
    """'pca,kmeans:minmax,deterministic:standard:across' → [(label, MappingOptions), …]."""
    specs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        method, *rest = item.split(":")
        if len(rest) > 2:
            raise DeepvizError(f"{item!r}: a mapping is METHOD[:SCALING[:SCALE_BY]]")
        options = MappingOptions(
            method=method,
            scaling=rest[0] if rest else "standard",
            scale_by=rest[1] if len(rest) > 1 else None,
            n_clusters=clusters,
            seed=seed,
        )
        by = "per feature" if options.scale_by == "features" else "across"
        specs.append((f"{ROMAN[method]} {method} · {options.scaling} {by}", options))
    if not 1 <= len(specs) <= 16:
        raise DeepvizError(f"--mappings takes 1 to 16 mappings, got {len(specs)}")
    return specs


MAX_MOTION_GAIN = 20.0  # the look's motion gain at most (`--motion`, a fit's `look`)
