# `make demo`: DNANet num4 on the synthetic set, short schedule.
_base_ = [
    '../_base_/models/dnanet_num4.py', '../_base_/datasets/synthetic_sirst.py',
    '../_base_/schedules/demo_iters.py', '../_base_/default_runtime.py'
]
