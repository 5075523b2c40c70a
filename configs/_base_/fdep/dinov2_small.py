# FDEP's frozen VFM: DINOv2 ViT-S/14 (Hugging Face transformers) read from a
# local snapshot, never downloaded at run time. Fetch it once:
#   hf download facebook/dinov2-small --local-dir checkpoints/dinov2-small
# Other sizes / register variants: point snapshot_dir (and hub_id, named in
# the error message) at e.g. facebook/dinov2-base or
# facebook/dinov2-with-registers-small. Four evenly spaced taps feed four
# SAMF modules.
vfm = dict(
    type='FrozenDINOv2',
    snapshot_dir='checkpoints/dinov2-small',
    hub_id='facebook/dinov2-small',
    num_taps=4)
# CO-ISD around a network config's `model`; a leaf config adds
# architecture, samf (its channels = the fusion point's width) and
# fusion_point. Loss: w_main * SoftIoU(main) + w_light * SoftIoU(light).
coisd = dict(type='COISD', vfm=vfm, main_weight=1.0, light_weight=1.0)
