from types import SimpleNamespace

import pytest
import torch.nn as nn

from mmdsad.engine import DistillLossWarmupHook
from mmdsad.models.losses import PWMSELoss


def fake_runner(iteration=0):
    distiller = SimpleNamespace(
        distill_losses=nn.ModuleDict(
            dict(
                loss_a=PWMSELoss(loss_weight=2.0),
                loss_b=PWMSELoss(loss_weight=0.5))))
    return SimpleNamespace(
        iter=iteration, model=SimpleNamespace(distiller=distiller))


def weights(runner):
    return [
        loss.loss_weight
        for loss in runner.model.distiller.distill_losses.values()
    ]


def test_weights_are_off_then_ramp_to_the_configured_values():
    hook = DistillLossWarmupHook(warmup_iters=4, start_iter=2)
    runner = fake_runner()
    hook.before_train(runner)
    seen = []
    for iteration in range(8):
        runner.iter = iteration
        hook.before_train_iter(runner, iteration)
        seen.append(weights(runner))
    assert seen[0] == seen[1] == [0.0, 0.0]
    assert seen[2] == [0.5, 0.125]
    assert seen[5] == seen[7] == [2.0, 0.5]


def test_zero_warmup_is_a_step_at_start_iter():
    hook = DistillLossWarmupHook(warmup_iters=0, start_iter=3)
    assert [hook.factor(i) for i in range(5)] == [0, 0, 0, 1, 1]


def test_resumed_run_continues_the_ramp():
    hook = DistillLossWarmupHook(warmup_iters=10)
    runner = fake_runner(iteration=4)
    hook.before_train(runner)
    hook.before_train_iter(runner, 0)
    assert weights(runner) == [1.0, 0.25]


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
