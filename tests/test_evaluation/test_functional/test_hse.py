"""hse_scores: mmdsad's HSE definition (docs/paper-spec.md §2.2) on hand
numbers."""
import pytest

from mmdsad.evaluation.functional import DEFAULT_HSE_THRESHOLDS, hse_scores


def test_hand_computed_hse():
    summaries = [
        # Fa at half of Fa_ref: the target term keeps half of Pd.
        dict(IoU=0.6, nIoU=0.4, Pd=0.8, Fa=0.5e-4),
        # Fa above Fa_ref: no target credit at all.
        dict(IoU=0.2, nIoU=0.0, Pd=1.0, Fa=3e-4),
    ]
    pixel = ((0.6 + 0.4) / 2 + (0.2 + 0.0) / 2) / 2
    target = (0.8 * 0.5 + 0.0) / 2
    assert hse_scores(summaries, fa_ref=1e-4) == pytest.approx({
        'HSE': (pixel + target) / 2,
        'HSE_pixel': pixel,
        'HSE_target': target,
    })
    # A looser Fa_ref gives the second threshold credit too.
    loose = hse_scores(summaries, fa_ref=6e-4)
    assert loose['HSE_target'] == pytest.approx(
        (0.8 * (1 - 0.5e-4 / 6e-4) + 1.0 * 0.5) / 2)


def test_perfect_detection_scores_one():
    perfect = dict(IoU=1.0, nIoU=1.0, Pd=1.0, Fa=0.0)
    assert hse_scores([perfect] * 3) == pytest.approx(
        dict(HSE=1.0, HSE_pixel=1.0, HSE_target=1.0))


def test_default_thresholds():
    assert len(DEFAULT_HSE_THRESHOLDS) == 19
    assert DEFAULT_HSE_THRESHOLDS[0] == 0.05
    assert DEFAULT_HSE_THRESHOLDS[-1] == 0.95


@pytest.mark.parametrize('fa_ref', [0, -1e-4, float('inf'), '1e-4', True])
def test_invalid_fa_ref(fa_ref):
    with pytest.raises(ValueError, match='hse_fa_ref'):
        hse_scores([dict(IoU=0, nIoU=0, Pd=0, Fa=0)], fa_ref=fa_ref)


def test_no_threshold_raises():
    with pytest.raises(ValueError, match='at least one threshold'):
        hse_scores([])
