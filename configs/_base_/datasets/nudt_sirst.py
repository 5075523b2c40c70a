# NUDT-SIRST: 1327 images of 256x256, split 663/664. The release is already
# in the common layout; point data_root at it (or pass --data-root).
_base_ = './sirst_common.py'
data_root = 'data/NUDT-SIRST'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
