# Cross-dataset: train on NUDT-SIRST (its 663 training images, synthetic
# backgrounds and targets), validate and test on IRSTD-1k's 201 real test
# images, which the network never sees in training. The loaders are
# irstd1k.py's; only the training set is swapped.
_base_ = './irstd1k.py'
train_dataloader = dict(
    dataset=dict(
        data_root='data/NUDT-SIRST',
        data_prefix=dict(img_path='images', seg_map_path='masks'),
        ann_file='50_50/train.txt'))
