"""Connector widths read from the built networks."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS as SEG_MODELS

from mmdsad.models.algorithms.connector_widths import (
    recorded_widths,
    with_connector_widths,
)
from mmdsad.utils.distill_checks import DistillConfigError

LAYERS = dict(
    encoder=dict(type='ModuleOutputs', source='backbone.conv4_0'),
    decoder=dict(type='ModuleOutputs', source='decode_head.conv0_4_final'))
# DNANet's widths at those layers: num4 student, num16 teacher.
STUDENT_WIDTHS = dict(encoder=64, decoder=4)
TEACHER_WIDTHS = dict(encoder=256, decoder=16)


@pytest.fixture(scope='module')
def networks(repo_root):
    init_default_scope('mmseg')
    torch.manual_seed(0)
    configs = [
        osp.join(repo_root, f'configs/dnanet/dnanet_{width}_nudt.py')
        for width in ('num4', 'num16')
    ]
    return tuple(
        SEG_MODELS.build(Config.fromfile(path).model) for path in configs)


def distiller(connectors, mapping_connector='encoder_align'):
    return ConfigDict(
        student_recorders=LAYERS,
        teacher_recorders=LAYERS,
        connectors=connectors,
        loss_forward_mappings=dict(
            loss_encoder=dict(
                preds_S=dict(
                    from_student=True,
                    recorder='encoder',
                    connector=mapping_connector),
                preds_T=dict(from_student=False, recorder='encoder'))))


def test_recorded_widths_are_the_networks_channels(networks):
    student, teacher = networks
    assert recorded_widths(student, LAYERS, list(LAYERS)) == STUDENT_WIDTHS
    assert recorded_widths(teacher, LAYERS, list(LAYERS)) == TEACHER_WIDTHS
    inputs = dict(
        cross=dict(type='ModuleInputs', source='decode_head.conv0_4_final'))
    # The fusion block's input: the concatenated pyramid, 5 x the width.
    assert recorded_widths(student, inputs, ['cross']) == dict(cross=20)


def test_measuring_leaves_modes_weights_and_generator_as_they_were(networks):
    student, _ = networks
    student.train()
    student.backbone.eval()
    modes = {name: m.training for name, m in student.named_modules()}
    state = {k: v.clone() for k, v in student.state_dict().items()}
    generator = torch.get_rng_state()
    recorded_widths(student, LAYERS, list(LAYERS))
    assert {name: m.training
            for name, m in student.named_modules()} == modes
    assert all(
        torch.equal(v, state[k]) for k, v in student.state_dict().items())
    assert torch.equal(torch.get_rng_state(), generator)
    student.train()


@pytest.mark.parametrize('connector, widths', [
    (dict(type='ConvModuleConnector', kernel_size=1),
     dict(in_channel=64, out_channel=256)),
    (dict(type='MGDConnector', lambda_mgd=0.65),
     dict(student_channels=64, teacher_channels=256)),
])
def test_missing_widths_come_from_the_recorded_layers(networks, connector,
                                                      widths):
    config = distiller(dict(encoder_align=connector))
    filled = with_connector_widths(config, *networks)
    assert filled.connectors.encoder_align == dict(connector, **widths)
    # The config passed in is left as it was.
    assert 'in_channel' not in config.connectors.encoder_align
    assert 'student_channels' not in config.connectors.encoder_align


def test_a_width_in_the_config_is_kept(networks):
    config = distiller(
        dict(encoder_align=dict(type='ConvModuleConnector', in_channel=7)))
    filled = with_connector_widths(config, *networks)
    assert filled.connectors.encoder_align.in_channel == 7
    assert filled.connectors.encoder_align.out_channel == 256


def test_a_connector_without_widths_is_untouched(networks):
    pool = dict(
        type='TorchFunctionalConnector',
        function_name='adaptive_avg_pool2d',
        func_args=dict(output_size=4))
    config = distiller(dict(encoder_align=pool))
    assert with_connector_widths(config, *networks).connectors == dict(
        encoder_align=pool)


def test_an_unused_connector_is_refused_by_name(networks):
    config = distiller(
        dict(spare=dict(type='ConvModuleConnector')),
        mapping_connector=None)
    with pytest.raises(DistillConfigError,
                       match=r'connectors\.spare.*in_channel'):
        with_connector_widths(config, *networks)


def test_a_connector_without_counterpart_recorder_is_refused(networks):
    config = distiller(dict(encoder_align=dict(type='ConvModuleConnector')))
    config.teacher_recorders = dict(decoder=LAYERS['decoder'])
    with pytest.raises(DistillConfigError,
                       match=r'teacher has no module recorder .encoder.'):
        with_connector_widths(config, *networks)
