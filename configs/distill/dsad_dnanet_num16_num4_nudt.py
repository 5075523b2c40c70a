_base_ = [
    '../_base_/distill/dsad_dnanet.py', '../_base_/datasets/nudt_sirst.py'
]
model = dict(teacher_ckpt='checkpoints/dnanet_num16_nudt.pth')
