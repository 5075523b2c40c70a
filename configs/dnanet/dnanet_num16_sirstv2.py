_base_ = [
    '../_base_/models/dnanet.py', '../_base_/datasets/sirst_v2.py',
    '../_base_/schedules/adagrad_cosine_1500e.py',
    '../_base_/default_runtime.py'
]
