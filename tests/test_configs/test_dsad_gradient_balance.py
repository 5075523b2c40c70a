"""DSAD's first iterations must not hand the student's optimiser over to
the distillation losses (docs/dsad-collapse.md).

From a fresh student, PWMSE's gradients are 100-200x SoftIoU's; Adagrad
sums their squares and divides every later step by the root, so a student
distilled from the first iteration trains its task with a far smaller
effective learning rate. The DSAD configs hold distillation back for the
first iterations; these tests train a few iterations and compare the
student's Adagrad accumulators with the student trained alone.
"""
import statistics

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from mmdsad.datasets import make_synthetic_sirst

TEACHER_CONFIG = 'configs/demo/dnanet_num16_synthetic.py'
STUDENT_CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
DSAD_CONFIG = 'configs/demo/dsad_dnanet_num16_num4_synthetic.py'
ITERS = 8


@pytest.fixture(scope='module')
def setup(repo_root, tmp_path_factory, save_random_model):
    root = tmp_path_factory.mktemp('balance')
    data = str(root / 'data')
    make_synthetic_sirst(data, num_train=8, num_test=1, image_size=(64, 64))
    teacher_file = save_random_model(f'{repo_root}/{TEACHER_CONFIG}',
                                     root / 'teacher.pth')
    return root, data, teacher_file


def student_accumulator(repo_root, config, work_dir, data, **options):
    """Median over the student's parameters of sqrt(mean summed g^2)."""
    cfg = Config.fromfile(f'{repo_root}/{config}')
    cfg.merge_from_dict({
        'work_dir': str(work_dir),
        'train_dataloader.batch_size': 2,
        'train_dataloader.dataset.data_root': data,
        'val_dataloader.dataset.data_root': data,
        'test_dataloader.dataset.data_root': data,
        'train_cfg.max_iters': ITERS,
        'train_cfg.val_interval': 10 * ITERS,
        'default_hooks.checkpoint.interval': 10 * ITERS,
        'randomness.seed': 0,
        **options
    })
    runner = Runner.from_cfg(cfg)
    runner.train()
    model = runner.model
    student = getattr(model, 'architecture', model)
    state = runner.optim_wrapper.optimizer.state
    return statistics.median(
        float(state[p]['sum'].mean().sqrt()) for p in student.parameters())


def test_distillation_does_not_flood_the_students_first_steps(
        repo_root, setup):
    root, data, teacher = setup
    alone = student_accumulator(repo_root, STUDENT_CONFIG, root / 'alone',
                                data)
    dsad = student_accumulator(repo_root, DSAD_CONFIG, root / 'dsad', data,
                               **{'model.teacher_ckpt': teacher})
    # The two students start from different random weights (the teacher
    # and connectors are built in between), which alone moves this by ~2x;
    # without the warm-up it is ~80x (next test).
    assert dsad < 5 * alone


def test_without_the_warmup_it_would(repo_root, setup):
    root, data, teacher = setup
    alone = student_accumulator(repo_root, STUDENT_CONFIG, root / 'alone2',
                                data)
    flooded = student_accumulator(
        repo_root, DSAD_CONFIG, root / 'no_warmup', data, **{
            'model.teacher_ckpt': teacher,
            'custom_hooks': []
        })
    assert flooded > 20 * alone
