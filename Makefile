# deepviz — `make demo` and `make test` work on a fresh machine; both are quick once .venv exists.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check
BASE   := $(VENV)/.stamp-base
DEV    := $(VENV)/.stamp-dev

.PHONY: demo test test-fast bench lint format default-model default-fit synth-set music look-eval device-check clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch 2.14.1 / torchvision 0.29.1 are pinned by the install; on our machines pip takes them from disk.
$(BASE): pyproject.toml | $(PY)
	$(PIP) "torch==2.14.1" "torchvision==0.29.1"
	$(PIP) -e .
	@touch $@

$(DEV): $(BASE) pyproject.toml
	$(PIP) -e ".[dev]"
	@touch $@

demo: $(BASE)
	$(VENV)/bin/deepviz demo -o demo.mp4 -y

test: $(DEV)
	$(PY) -m pytest

test-fast: $(DEV)
	$(PY) -m pytest -m "not slow"

bench: $(DEV)
	$(PY) tools/bench.py --out BENCHMARKS.md

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Reproduces the embedded default model (≈ 15 min on 2 CPU cores), then its reference fit.
default-model: music
	$(VENV)/bin/deepviz train --recipe default -o extract/weights/default.dvz --log extract/weights/default.log.json -y
	$(MAKE) default-fit

# The default look's reference fit, beside the model: mapping III (pca) fitted on the synthesized
# set for the motion; each track, and each of its sections, placed by its style statistics along
# the directions that tell the six synthesized styles apart, centred on the real-music set, where
# the look's motion gain and sections' threshold are tuned too (docs/default-look.md).
default-fit: music synth-set
	$(VENV)/bin/deepviz fit .cache/reference-synth -o extract/weights/default.fit.json --mapping pca --place genres --center-on .cache/music --device cpu -y

# The synthesized reference set: 120 tracks (20 per style, 30 s), the placement's directions.
synth-set: $(BASE)
	$(PY) tools/devset.py --synth --out .cache/reference-synth --per-style 20 --seconds 30 --first-seed 50000

# The default look measured leave-one-source-out on the development set (docs/default-look.md):
# every tuned part fitted without the source it is measured on. About 10 minutes on 2 cores.
look-eval: music synth-set
	$(PY) tools/look_eval.py --out docs/look-eval.json

# The real-music development set (Debian's freely licensed game music): 30 s clips per source in
# .cache/music/ for deepviz's own measurements and the shipped reference fit. Needs root for apt.
MUSIC_PACKAGES := fretsonfire-songs-muldjord fretsonfire-songs-sectoid drascula-music hyperrogue-music \
                  asc-music planetblupi-music-ogg singularity-music warzone2100-music
music: $(BASE)
	dpkg -s $(MUSIC_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(MUSIC_PACKAGES))
	$(PY) tools/devset.py --out .cache/music

# The GPU path in one short run, on a machine with a GPU (GL device, NV12 readback, NVENC, CUDA
# features, the same video as the CPU path): not part of CI, which has no GPU.
device-check: $(DEV)
	$(PY) tools/device_check.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache demo.mp4
