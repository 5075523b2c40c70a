_base_ = [
    '../_base_/models/dmfnet_num4.py', '../_base_/datasets/sirst_v2.py',
    '../_base_/schedules/adagrad_cosine_1500e_lr1e-2.py',
    '../_base_/default_runtime.py'
]
# The backbone blurs the first encoder's view itself (train_blur); as in the
# reference, the clean view is never blurred, so the pipeline's random blur
# (DNANet's augmentation) is dropped.
train_pipeline = [
    step for step in _base_.train_pipeline
    if step.type != 'RandomGaussianBlur'
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
