"""Tiles of sliced inference: mmseg's grid, and logits back from
probabilities."""
import numpy as np
import torch

from mmdsad.apis.backends.tiling import probability_logits, slide_windows


def test_windows_are_mmseg_grid_with_edge_aligned_last_tiles():
    windows = slide_windows(160, 224, (96, 96), (64, 64))
    # Rows start at 0 and 64 (= 160 - 96); columns at 0, 64, 128 (= 224 -
    # 96): 2 x 3 tiles, all 96 x 96, covering the frame.
    assert windows == [(top, top + 96, left, left + 96) for top in (0, 64)
                       for left in (0, 64, 128)]
    covered = np.zeros((160, 224), bool)
    for top, bottom, left, right in windows:
        covered[top:bottom, left:right] = True
    assert covered.all()


def test_frame_smaller_than_the_crop_is_one_tile():
    assert slide_windows(48, 32, (96, 96), (64, 64)) == [(0, 48, 0, 32)]


def test_logits_invert_the_sigmoid_and_stay_finite():
    logits = torch.linspace(-10, 10, 101)
    probabilities = torch.sigmoid(logits).numpy()
    np.testing.assert_allclose(probability_logits(probabilities), logits,
                               atol=1e-3)
    saturated = probability_logits(np.array([0.0, 1.0], np.float32))
    assert np.isfinite(saturated).all()
    assert saturated[0] < -16 and saturated[1] > 16
