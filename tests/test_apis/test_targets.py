"""find_targets: the evaluator's components with box, area and peak."""
import numpy as np

from mmdsad.apis import find_targets
from mmdsad.evaluation.functional import label_components


def test_targets_in_raster_order_with_box_area_peak():
    probabilities = np.zeros((12, 16), np.float32)
    probabilities[6:9, 2:4] = 0.7
    probabilities[7, 3] = 0.95
    probabilities[1, 10] = 0.6
    # Diagonal neighbours: one 8-connected target.
    probabilities[2, 11] = 0.8
    probabilities[5, 5] = 0.5  # not above the threshold
    mask, targets = find_targets(probabilities, 0.5)
    assert mask.sum() == 8
    assert [t.bbox for t in targets] == [(10, 1, 2, 2), (2, 6, 2, 3)]
    assert [t.area for t in targets] == [2, 6]
    assert [t.peak for t in targets] == [np.float32(0.8), np.float32(0.95)]
    assert targets[1].centroid == (7.0, 2.5)
    # The same components as the evaluator's.
    np.testing.assert_allclose([t.centroid for t in targets],
                               label_components(mask).centroids)
    assert targets[0].to_dict() == dict(
        centroid=(1.5, 10.5), bbox=(10, 1, 2, 2), area=2, peak=targets[0].peak)


def test_no_target():
    mask, targets = find_targets(np.full((4, 5), 0.2, np.float32), 0.5)
    assert not mask.any() and targets == []
