_base_ = [
    '../_base_/distill/dsad_dmfnet.py', '../_base_/datasets/nudt_sirst.py'
]
model = dict(teacher_ckpt='checkpoints/dmfnet_num16_nudt.pth')
