# DNANet num16 trained on NUDT-SIRST, validated and tested on IRSTD-1k
# (configs/_base_/datasets/nudt_sirst_to_irstd1k.py).
_base_ = [
    '../_base_/models/dnanet.py',
    '../_base_/datasets/nudt_sirst_to_irstd1k.py',
    '../_base_/schedules/adagrad_cosine_1500e.py',
    '../_base_/default_runtime.py'
]
