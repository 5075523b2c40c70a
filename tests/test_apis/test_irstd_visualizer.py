"""IRSTDVisualizer: the mask tinted, one box per target, pixel-exact."""
import cv2
import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmdsad.visualization import IRSTDVisualizer

RED, GREEN, YELLOW = (255, 0, 0), (0, 255, 0), (255, 255, 0)


def box_outline(shape, top, left, bottom, right):
    """Bool map of a one-pixel rectangle's outline, clipped to ``shape``."""
    outline = np.zeros(shape, bool)
    rows, cols = np.arange(shape[0]), np.arange(shape[1])
    inside_rows = (rows >= top) & (rows <= bottom)
    inside_cols = (cols >= left) & (cols <= right)
    for row in (top, bottom):
        if 0 <= row < shape[0]:
            outline[row, inside_cols] = True
    for col in (left, right):
        if 0 <= col < shape[1]:
            outline[inside_rows, col] = True
    return outline


def test_mask_tinted_and_targets_boxed_outside(tmp_path):
    visualizer = IRSTDVisualizer(name='test_overlay')
    frame = np.full((30, 40, 3), 100, np.float32)
    mask = np.zeros((30, 40), bool)
    mask[10:13, 20:23] = True  # one 3x3 target
    mask[0, 0] = True  # one at the corner: its box is clipped
    gt = np.zeros((30, 40), np.uint8)
    gt[20:22, 5:7] = 1
    sample = SegDataSample()
    sample.pred_sem_seg = PixelData(data=torch.from_numpy(mask)[None])
    sample.gt_sem_seg = PixelData(data=torch.from_numpy(gt)[None])
    out_file = tmp_path / 'overlay.png'
    visualizer.add_datasample('frame', frame, sample, out_file=str(out_file))
    drawn = visualizer.get_image()
    assert drawn.dtype == np.uint8 and drawn.shape == (30, 40, 3)
    boxes = {
        'pred': box_outline(mask.shape, 8, 18, 14, 24)
        | box_outline(mask.shape, -2, -2, 2, 2),
        'gt': box_outline(mask.shape, 18, 3, 23, 8),
    }
    assert (drawn[boxes['pred']] == GREEN).all()
    assert (drawn[boxes['gt']] == YELLOW).all()
    untouched = ~(mask | boxes['pred'] | boxes['gt'])
    assert (drawn[untouched] == 100).all()
    # Half the frame, half red (alpha 0.5), inside the target.
    np.testing.assert_allclose(drawn[11, 21], (177.5, 50, 50), atol=1)
    # What was written is what was drawn (BGR on disk).
    written = cv2.imread(str(out_file))[..., ::-1]
    np.testing.assert_array_equal(written, drawn)


def test_no_prediction_leaves_the_frame_as_it_is():
    visualizer = IRSTDVisualizer(name='test_overlay_empty')
    frame = np.arange(5 * 6 * 3, dtype=np.float32).reshape(5, 6, 3) * 2
    # 16-bit frames come scaled as float32; values above 255 are clipped.
    frame[0, 0] = 300
    drawn = visualizer.draw_targets(frame, np.zeros((5, 6), bool))
    expected = np.clip(frame, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(drawn, expected)
