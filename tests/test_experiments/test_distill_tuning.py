"""mmdsad_experiments.distill_tuning: the candidates, the choice and its
record."""
import math

import pytest
from mmengine.config import Config

from mmdsad_experiments.distill_tuning import (
    TuningProtocol,
    candidate_weights,
    check_protocol,
    choose_weight,
    tuning_table,
    val_split_overrides,
    write_tuned_config,
)


def test_candidates_are_reference_matched_and_their_middle():
    # KD's measured ratio on DNANet num4 (docs/results.md).
    assert candidate_weights(364.0) == [0.0027, 0.052, 1.0]
    # A loss pulling more weakly than the task is strengthened.
    assert candidate_weights(0.2) == [1.0, 2.2, 5.0]
    # Already matched: one candidate.
    assert candidate_weights(1.0) == [1.0]


@pytest.mark.parametrize('ratio', [0.0, -1.0, math.inf, math.nan])
def test_a_loss_without_gradient_cannot_be_tuned(ratio):
    with pytest.raises(ValueError, match='no gradient'):
        candidate_weights(ratio)


def test_choice_is_the_best_validation_sweep_and_ties_keep_the_reference():
    val = {0.01: dict(IoU_sweep=40.0), 0.1: dict(IoU_sweep=45.0),
           1.0: dict(IoU_sweep=10.0)}
    assert choose_weight(val) == 0.1
    assert choose_weight({0.1: dict(IoU_sweep=45.0),
                          1.0: dict(IoU_sweep=45.0),
                          5.0: dict(IoU_sweep=45.0)}) == 1.0


def test_tuned_config_inherits_the_method_with_the_weight(repo_root, tmp_path):
    method = f'{repo_root}/configs/distill/kd_dnanet_num16_num4_nudt.py'
    path = str(tmp_path / 'kd.py')
    write_tuned_config(path, method, 0.052, TuningProtocol(), '200 iterations')
    cfg = Config.fromfile(path)
    assert cfg.model.distill_loss_weight == 0.052
    assert cfg.model.type == Config.fromfile(method).model.type
    # The same choice again is the same file; another one is refused, since
    # the final runs beside it were trained with the first.
    write_tuned_config(path, method, 0.052, TuningProtocol(), '200 iterations')
    with pytest.raises(FileExistsError, match='another tuning'):
        write_tuned_config(path, method, 1.0, TuningProtocol(),
                           '200 iterations')
    assert Config.fromfile(path).model.distill_loss_weight == 0.052


def test_a_kept_tuning_with_other_settings_is_refused(tmp_path):
    check_protocol(str(tmp_path), TuningProtocol())
    check_protocol(str(tmp_path), TuningProtocol())
    with pytest.raises(ValueError, match='holds a tuning'):
        check_protocol(str(tmp_path), TuningProtocol(val_fraction=0.5))


def test_overrides_hold_out_ids_of_the_training_split(repo_root):
    overrides = val_split_overrides(
        f'{repo_root}/configs/dnanet/dnanet_num4_nudt.py',
        TuningProtocol(val_fraction=0.25, split_seed=3))
    assert overrides['train_dataloader']['dataset']['val_split'] == dict(
        fraction=0.25, seed=3, subset='train')
    for loader in ('val_dataloader', 'test_dataloader'):
        assert overrides[loader]['dataset'] == dict(
            ann_file='50_50/train.txt',
            val_split=dict(fraction=0.25, seed=3, subset='val'))


def test_training_on_several_datasets_is_refused(repo_root, tmp_path):
    config = tmp_path / 'concat.py'
    config.write_text(
        "train_dataloader = dict(dataset=dict(type='ConcatDataset'))\n")
    with pytest.raises(ValueError, match='one split file'):
        val_split_overrides(str(config), TuningProtocol())


def test_candidates_and_choice_are_relative_to_a_configured_weight():
    # A config already tuned to 0.05: the grid is around it.
    assert candidate_weights(4.0, configured=0.05) == [0.013, 0.025, 0.05]
    val = {w: dict(IoU_sweep=30.0) for w in (0.013, 0.025, 0.05)}
    assert choose_weight(val, configured=0.05) == 0.05


def test_tuning_starts_from_the_reference_weights_unless_told(tmp_path):
    config = tmp_path / 'tuned.py'
    config.write_text('model = dict(distill_loss_weight=0.003)\n')
    assert TuningProtocol().start_weight(str(config)) == 1.0
    assert TuningProtocol(start='configured').start_weight(
        str(config)) == 0.003
    with pytest.raises(ValueError, match='reference'):
        TuningProtocol(start='tuned')


def test_a_failed_candidate_is_listed_in_the_tuning_table():
    markdown, record = tuning_table({
        'alone': dict(val={1.0: dict(IoU=36.0, IoU_sweep=35.0)}),
        'kdsvd': dict(ratio=1069.0,
                      val={0.00094: dict(IoU=35.4, IoU_sweep=35.4)},
                      failed=[1.0], chosen=0.00094)})
    assert '1: training failed' in markdown
    assert '| kdsvd | 1.07e+03 | 0.00094: 35.40 / 35.40' in markdown
    assert record['kdsvd']['failed'] == [1.0]
