# DMFNet at the student width num4 (0.70 M params, 2.62 GMACs at 256x256).
_base_ = './dmfnet.py'
num4 = (4, 8, 16, 32, 64)
model = dict(
    backbone=dict(channels=num4), decode_head=dict(channels_per_level=num4))
