# SIRST-v2 (OSCAR, TGRS 2023): 1024 images of varying size (up to
# 1280x1024), 514 with targets and 510 background-only frames. Convert the
# release first (tools/dataset_converters/sirst_v2.py): it writes the
# common layout with every frame's mask, empty for the background frames,
# and copies splits/. The split is the release's full one: trainval_full
# (768 frames, backgrounds included) / test_full (256).
_base_ = './sirst_common.py'
data_root = 'data/SIRST-v2'
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='splits/trainval_full.txt'))
val_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='splits/test_full.txt'))
test_dataloader = val_dataloader
