_base_ = [
    '../_base_/distill/dsad_amfunet.py', '../_base_/datasets/nuaa_sirst.py'
]
model = dict(teacher_ckpt='checkpoints/amfunet_num16_sirst.pth')
