_base_ = [
    '../_base_/distill/dsad_dmfnet.py', '../_base_/datasets/nuaa_sirst.py'
]
model = dict(teacher_ckpt='checkpoints/dmfnet_num16_sirst.pth')
