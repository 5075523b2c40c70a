from types import SimpleNamespace

import pytest
import torch.nn as nn

from mmdsad.engine import DistillLossWarmupHook


def fake_runner(iteration=0):
    return SimpleNamespace(
        iter=iteration, model=SimpleNamespace(distill_loss_scale=1.0))


def test_scale_is_off_then_ramps_to_one():
    runner = fake_runner()
    hook = DistillLossWarmupHook(warmup_iters=4, start_iter=2)
    hook.before_train(runner)
    assert runner.model.distill_loss_scale == 0
    seen = []
    for iteration in range(8):
        runner.iter = iteration
        hook.before_train_iter(runner, iteration)
        seen.append(runner.model.distill_loss_scale)
    assert seen == pytest.approx([0, 0, 0.25, 0.5, 0.75, 1, 1, 1])


def test_zero_warmup_is_a_step_at_start_iter():
    hook = DistillLossWarmupHook(warmup_iters=0, start_iter=3)
    assert [hook.factor(i) for i in range(5)] == [0, 0, 0, 1, 1]


def test_resumed_run_continues_the_ramp():
    runner = fake_runner(iteration=4)
    DistillLossWarmupHook(warmup_iters=10).before_train(runner)
    assert runner.model.distill_loss_scale == pytest.approx(0.5)


@pytest.mark.parametrize('kwargs', [
    dict(warmup_iters=-1),
    dict(warmup_iters=2.5),
    dict(warmup_iters=True),
    dict(warmup_iters=5, start_iter=-3),
])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError, match='DistillLossWarmupHook'):
        DistillLossWarmupHook(**kwargs)


def test_a_model_without_distill_loss_scale_is_refused():
    hook = DistillLossWarmupHook(warmup_iters=5)
    runner = SimpleNamespace(iter=0, model=nn.Conv2d(1, 1, 1))
    with pytest.raises(TypeError, match='custom_hooks'):
        hook.before_train(runner)
