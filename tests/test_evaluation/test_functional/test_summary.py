"""summarize_counts: dataset-level IoU, nIoU, Pd and Fa."""
import pytest

from mmdsad.evaluation.functional import ImageCounts, summarize_counts


def test_hand_computed_summary():
    counts = [
        # 100-pixel target perfectly segmented, one 3-pixel false alarm.
        ImageCounts(100, 103, 1, 1, 3, 400),
        # 1-pixel target missed.
        ImageCounts(0, 1, 1, 0, 0, 400),
        # No target, no prediction: empty union scores 0 in nIoU.
        ImageCounts(0, 0, 0, 0, 0, 200),
    ]
    assert summarize_counts(counts) == pytest.approx({
        'IoU': 100 / 104,
        'nIoU': (100 / 103 + 0 + 0) / 3,
        'Pd': 1 / 2,
        'Fa': 3 / 1000,
    })


def test_no_target_gives_zero_pd():
    assert summarize_counts([ImageCounts(0, 1, 0, 0, 1, 64)])['Pd'] == 0.0


def test_summarize_counts_guards_empty_input():
    assert summarize_counts([]) == {
        'IoU': 0.0,
        'nIoU': 0.0,
        'Pd': 0.0,
        'Fa': 0.0
    }
