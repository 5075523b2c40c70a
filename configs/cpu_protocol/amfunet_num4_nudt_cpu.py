# CPU study protocol: AMFU-Net num4 alone on NUDT-SIRST (docs/results.md).
_base_ = [
    '../_base_/models/amfunet_num4.py', '../_base_/datasets/nudt_sirst_cpu.py',
    '../_base_/schedules/cpu_protocol_iters.py', '../_base_/default_runtime.py'
]
