# NUAA-SIRST + NUDT-SIRST + IRSTD-1k merged (mmengine's ConcatDataset):
# 213 + 663 + 800 training images, validated and tested on the union of
# their test splits (214 + 664 + 201). Each part keeps its own layout, as
# in nuaa_sirst.py, nudt_sirst.py and irstd1k.py; to score one part alone,
# test the checkpoint with that dataset's config (same network).
# --data-root does not apply (three roots): set the parts' data_root with
# --cfg-options, e.g. train_dataloader.dataset.datasets.0.data_root=...
_base_ = './sirst_common.py'
irstd1k_prefix = dict(img_path='IRSTD1k_Img', seg_map_path='IRSTD1k_Label')
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(
                type=_base_.dataset_type,
                data_root='data/NUAA-SIRST',
                ann_file='50_50/train.txt',
                pipeline=_base_.train_pipeline),
            dict(
                type=_base_.dataset_type,
                data_root='data/NUDT-SIRST',
                ann_file='50_50/train.txt',
                pipeline=_base_.train_pipeline),
            dict(
                type=_base_.dataset_type,
                data_root='data/IRSTD-1k',
                data_prefix=irstd1k_prefix,
                ann_file='trainval.txt',
                pipeline=_base_.train_pipeline),
        ]))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(
                type=_base_.dataset_type,
                data_root='data/NUAA-SIRST',
                ann_file='50_50/test.txt',
                pipeline=_base_.test_pipeline),
            dict(
                type=_base_.dataset_type,
                data_root='data/NUDT-SIRST',
                ann_file='50_50/test.txt',
                pipeline=_base_.test_pipeline),
            dict(
                type=_base_.dataset_type,
                data_root='data/IRSTD-1k',
                data_prefix=irstd1k_prefix,
                ann_file='test.txt',
                pipeline=_base_.test_pipeline),
        ]))
test_dataloader = val_dataloader
