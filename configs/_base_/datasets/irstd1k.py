# IRSTD-1k (ISNet, CVPR 2022): 1001 images of 512x512, split 800/201 by
# the release's trainval.txt / test.txt. Its layout is read as it is:
# IRSTD1k_Img/XDU<n>.png, IRSTD1k_Label/XDU<n>.png (0/255, same names),
# both split files at the root. Training crops 256x256 as for the other
# sets; testing runs each image at its 512x512.
_base_ = './sirst_common.py'
data_root = 'data/IRSTD-1k'
data_prefix = dict(img_path='IRSTD1k_Img', seg_map_path='IRSTD1k_Label')
train_dataloader = dict(
    dataset=dict(
        data_root=data_root, data_prefix=data_prefix,
        ann_file='trainval.txt'))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root, data_prefix=data_prefix, ann_file='test.txt'))
test_dataloader = val_dataloader
