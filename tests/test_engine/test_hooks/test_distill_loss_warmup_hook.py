from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
from mmrazor.models.losses import MGDLoss

from mmdsad.engine import DistillLossWarmupHook
from mmdsad.models.losses import PWMSELoss

FEATURE = torch.arange(8.).view(1, 2, 2, 2)


def fake_runner(iteration=0):
    # PWMSE weighs by loss_weight, MGD by alpha_mgd: both are scaled.
    distiller = SimpleNamespace(
        distill_losses=nn.ModuleDict(
            dict(
                pwmse=PWMSELoss(loss_weight=2.0),
                mgd=MGDLoss(alpha_mgd=0.5))))
    return SimpleNamespace(
        iter=iteration, model=SimpleNamespace(distiller=distiller))


def outputs(runner):
    losses = runner.model.distiller.distill_losses
    return [
        losses['pwmse'](FEATURE, FEATURE.flip(-1),
                        torch.ones(1, 1, 2, 2)).item(),
        losses['mgd'](FEATURE, FEATURE.flip(-1)).item()
    ]


def test_losses_are_off_then_ramp_to_the_configured_values():
    runner = fake_runner()
    full = outputs(runner)
    assert all(value > 0 for value in full)
    hook = DistillLossWarmupHook(warmup_iters=4, start_iter=2)
    hook.before_train(runner)
    seen = []
    for iteration in range(8):
        runner.iter = iteration
        hook.before_train_iter(runner, iteration)
        seen.append(outputs(runner))
    assert seen[0] == seen[1] == [0.0, 0.0]
    assert seen[2] == pytest.approx([value / 4 for value in full])
    assert seen[5] == seen[7] == pytest.approx(full)


def test_zero_warmup_is_a_step_at_start_iter():
    hook = DistillLossWarmupHook(warmup_iters=0, start_iter=3)
    assert [hook.factor(i) for i in range(5)] == [0, 0, 0, 1, 1]


def test_resumed_run_continues_the_ramp():
    runner = fake_runner(iteration=4)
    full = outputs(runner)
    hook = DistillLossWarmupHook(warmup_iters=10)
    hook.before_train(runner)
    assert outputs(runner) == pytest.approx([value / 2 for value in full])


@pytest.mark.parametrize('kwargs', [
    dict(warmup_iters=-1),
    dict(warmup_iters=2.5),
    dict(warmup_iters=True),
    dict(warmup_iters=5, start_iter=-3),
])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match='DistillLossWarmupHook'):
        DistillLossWarmupHook(**kwargs)


def test_a_model_without_distiller_is_refused():
    hook = DistillLossWarmupHook(warmup_iters=5)
    runner = SimpleNamespace(iter=0, model=nn.Conv2d(1, 1, 1))
    with pytest.raises(TypeError, match='custom_hooks'):
        hook.before_train(runner)
