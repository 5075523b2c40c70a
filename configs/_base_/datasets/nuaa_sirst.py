# NUAA-SIRST: 427 images of varying size, split 213/214. Convert the
# official release first: tools/dataset_converters/sirst.py.
_base_ = './sirst_common.py'
data_root = 'data/NUAA-SIRST'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
