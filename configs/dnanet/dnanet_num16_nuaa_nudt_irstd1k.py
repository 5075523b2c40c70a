# DNANet num16 on NUAA-SIRST + NUDT-SIRST + IRSTD-1k merged
# (configs/_base_/datasets/nuaa_nudt_irstd1k.py).
_base_ = [
    '../_base_/models/dnanet.py', '../_base_/datasets/nuaa_nudt_irstd1k.py',
    '../_base_/schedules/adagrad_cosine_1500e.py',
    '../_base_/default_runtime.py'
]
