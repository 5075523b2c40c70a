"""label_components (OpenCV, 8-connectivity, raster order), greedy_match."""
import numpy as np
import pytest

from mmdsad.evaluation.functional import (
    as_binary_mask,
    greedy_match,
    label_components,
)


@pytest.mark.parametrize('seed', range(5))
def test_label_components_matches_flood_fill(seed, irstd_reference):
    rng = np.random.default_rng(100 + seed)
    mask = rng.random((23, 31)) < 0.25
    components = label_components(mask)
    reference = irstd_reference.label(mask)
    assert len(components.areas) == len(reference) > 1
    for centroid, area, pixels in zip(components.centroids, components.areas,
                                      reference):
        assert area == len(pixels)
        assert tuple(centroid) == pytest.approx(
            irstd_reference.centroid(pixels))


def test_label_components_raster_order(irstd_reference):
    # Component A starts at (1, 0), component B at (0, 5): raster order
    # puts B first, whatever order OpenCV's labelling produces.
    mask = irstd_reference.binary_image((4, 8), (1, 0), (1, 1), (2, 0),
                                        (0, 5))
    components = label_components(mask)
    assert components.centroids.tolist() == [[0.0, 5.0], [4 / 3, 1 / 3]]
    assert components.areas.tolist() == [1, 3]
    assert components.boxes.tolist() == [[5, 0, 1, 1], [0, 1, 2, 2]]
    for label_id, area in zip(components.label_ids, components.areas):
        assert (components.labels == label_id).sum() == area
    assert components.labels[0, 5] == components.label_ids[0]
    assert components.labels[2, 0] == components.labels[1, 0] == (
        components.label_ids[1])


def test_label_components_empty():
    components = label_components(np.zeros((5, 7), dtype=bool))
    assert components.centroids.shape == (0, 2)
    assert components.areas.shape == (0, )
    assert components.boxes.shape == (0, 4)
    assert components.labels.shape == (5, 7) and not components.labels.any()


def test_diagonally_touching_blobs_are_one_component(irstd_reference):
    gt = np.zeros((10, 10), dtype=np.uint8)
    gt[2:4, 2:4] = 1
    gt[4:6, 4:6] = 1  # (3, 3) and (4, 4) touch diagonally
    assert len(irstd_reference.label(gt)) == 1
    components = label_components(gt)
    assert components.areas.tolist() == [8]
    assert components.centroids.tolist() == [[3.5, 3.5]]


def test_greedy_match_targets_in_order():
    gt_centroids = np.array([[0.0, 0.0], [0.0, 2.0], [9.0, 9.0]])
    pred_centroids = np.array([[0.0, 1.0], [0.0, 2.5]])
    # Target 0 takes prediction 0; target 1 takes the remaining one;
    # target 2 is missed.
    assert greedy_match(gt_centroids, pred_centroids, 3.0).tolist() == [
        0, 1, -1
    ]
    assert greedy_match(gt_centroids, np.zeros((0, 2)), 3.0).tolist() == [
        -1, -1, -1
    ]


def test_greedy_match_is_strict():
    gt_centroids = np.array([[5.0, 2.0]])
    pred_centroids = np.array([[5.0, 5.0]])  # distance exactly 3
    assert greedy_match(gt_centroids, pred_centroids, 3.0).tolist() == [-1]
    assert greedy_match(gt_centroids, pred_centroids, 3.01).tolist() == [0]


def test_as_binary_mask_names_the_argument():
    assert as_binary_mask(np.array([[0, 2]]), 'gt').tolist() == [[False,
                                                                  True]]
    with pytest.raises(ValueError, match="'gt_sem_seg' must be a 2-D"):
        as_binary_mask(np.zeros((1, 2, 3)), "'gt_sem_seg'")
