# `make demo`: DNANet num16 on the synthetic set, short schedule.
_base_ = [
    '../_base_/models/dnanet.py', '../_base_/datasets/synthetic_sirst.py',
    '../_base_/schedules/demo_iters.py', '../_base_/default_runtime.py'
]
