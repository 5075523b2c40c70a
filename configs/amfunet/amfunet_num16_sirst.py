_base_ = [
    '../_base_/models/amfunet.py', '../_base_/datasets/nuaa_sirst.py',
    '../_base_/schedules/adagrad_1500e.py', '../_base_/default_runtime.py'
]
