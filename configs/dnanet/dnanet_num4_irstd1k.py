_base_ = [
    '../_base_/models/dnanet_num4.py', '../_base_/datasets/irstd1k.py',
    '../_base_/schedules/adagrad_cosine_1500e.py',
    '../_base_/default_runtime.py'
]
