"""Experiment orchestration of the tools, kept out of the ``mmdsad`` library.

The scripts ``tools/analysis_tools/*`` and ``tools/misc/run_demo.py`` chain
training and test runs, tune and compare methods over seeds, time training
steps and tabulate the results; the modules here do that work for them:

- ``tool_runs``: one tool run with its log in a file and a progress bar;
- ``scalars``: what mmengine logged (``vis_data/scalars.json``);
- ``study_runs``: train-then-test runs of variants over seeds, resumable;
- ``study_summary``: mean ± std tables of a study (markdown, CSV);
- ``comparison``: the variants and run configs of ``compare_distill.py``;
- ``distill_tuning``: the tuning protocol (candidates, choice, records);
- ``tuning_runs``: the tuning runs of ``compare_distill.py --tune``;
- ``benchmark``: synthetic batches and timings of training steps.

The library (everything under ``mmdsad/``) must never import this package:
a model, dataset or metric works without subprocesses, thread pools and
tables (``tests/test_experiments/test_package.py`` checks it).
"""
