# The two commands of the README: `make demo` (the main job on built-in
# synthetic data) and `make test`. Both install what they need first, once:
# a virtual environment in .venv with the pinned stack (docs/installation.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# Marks a finished install; rebuilt when a requirements file or setup.py
# changes. mmcv's wheel is cached by pip, so a rebuild takes seconds.
STAMP := $(VENV)/.stack-ready
DEMO_DIR := work_dirs/demo

.PHONY: install demo test lint clean-demo

install: $(STAMP)

$(STAMP): requirements/runtime.txt requirements/tests.txt requirements/mim.txt setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install "pip<25.3" "setuptools>=77.0.3,<80" wheel
	$(PIP) install torch==2.13.0 mmengine==0.10.7 numpy ninja
	MMCV_WITH_OPS=1 FORCE_CUDA=0 $(PIP) install --no-build-isolation mmcv==2.1.0
	$(PIP) install -r requirements/runtime.txt -r requirements/tests.txt -r requirements/mim.txt
	$(PIP) install --no-deps openmim
	$(PIP) install --no-build-isolation --no-deps -e .
	$(PY) -c "import mmdsad, mmrazor.models; print('mmdsad', mmdsad.__version__, 'ready')"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) tools/misc/run_demo.py --work-dir $(DEMO_DIR)

# Idle OpenMP threads sleep instead of spinning: beside other CPU-bound
# processes, spinning threads of a 2-thread pool take each other's time
# slices (the arithmetic is the same either way).
test: $(STAMP)
	OMP_WAIT_POLICY=$${OMP_WAIT_POLICY:-PASSIVE} $(PY) -m pytest tests --durations=15

lint: $(STAMP)
	$(VENV)/bin/ruff check mmdsad tools tests configs setup.py

clean-demo:
	rm -rf $(DEMO_DIR)
