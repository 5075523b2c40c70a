# DNANet num16 -> num4 on NUDT-SIRST for the comparison methods
# (configs/distill/<method>_dnanet_num16_num4_nudt.py): both networks
# built from their own configs (MMRazor's cfg_path) with the teacher
# checkpoint, the data and DSAD's recipe. Variables only, no `model`:
# the method base holds the algorithm, and the leaf merges `networks`
# and its recorders into it.
_base_ = ['../datasets/nudt_sirst.py', './comparison_recipe.py']
# Train the teacher with configs/dnanet/dnanet_num16_nudt.py, convert its
# checkpoint with tools/model_converters/to_weights_only.py, and point here
# (or pass --cfg-options model.teacher_ckpt=...).
networks = dict(
    architecture=dict(
        cfg_path='mmdsad::dnanet/dnanet_num4_nudt.py', pretrained=False),
    teacher=dict(
        cfg_path='mmdsad::dnanet/dnanet_num16_nudt.py', pretrained=False),
    teacher_ckpt='checkpoints/dnanet_num16_nudt.pth')
