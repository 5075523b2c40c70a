# DMFNet num16 -> num4 on NUDT-SIRST for DSAD
# (configs/distill/dsad_dmfnet_num16_num4_nudt.py): both networks
# built from their own configs (MMRazor's cfg_path) with the teacher
# checkpoint, the data and DSAD's recipe. Variables only, no `model`:
# the method base holds the algorithm, and the leaf merges `networks`
# and its recorders into it.
_base_ = ['../datasets/nudt_sirst.py', './comparison_recipe.py']
# The teacher config turns the backbone's training blur off: the frozen
# teacher sees the clean image. The student keeps DSAD's augmentation
# (the dataset base's pipeline, with blur; paper Sec. 4.2), unlike
# configs/dmfnet/, whose pipeline leaves the blur to the backbone.
# Train the teacher with configs/dmfnet/dmfnet_num16_nudt.py, convert its
# checkpoint with tools/model_converters/to_weights_only.py, and point here
# (or pass --cfg-options model.teacher_ckpt=...).
networks = dict(
    architecture=dict(
        cfg_path='mmdsad::dmfnet/dmfnet_num4_nudt.py', pretrained=False),
    teacher=dict(
        cfg_path='mmdsad::dmfnet/dmfnet_num16_nudt_teacher.py',
        pretrained=False),
    teacher_ckpt='checkpoints/dmfnet_num16_nudt.pth')
