"""Overlays of IRSTD predictions: the mask tinted, a box per target."""
from typing import Optional, Sequence, Tuple

import cv2
import mmcv
import numpy as np
from mmengine.dist import master_only
from mmseg.registry import VISUALIZERS
from mmseg.structures import SegDataSample
from mmseg.visualization import SegLocalVisualizer

from mmdsad.evaluation.functional import label_components

Colour = Tuple[int, int, int]


@VISUALIZERS.register_module()
class IRSTDVisualizer(SegLocalVisualizer):
    """mmseg's local visualizer drawing small targets so they stay visible.

    ``SegLocalVisualizer`` blends the whole frame with the class colours
    and writes the class name at each segment, which hides targets of a
    few pixels. Here only the mask's pixels are tinted (``alpha`` of
    ``mask_colour`` over the frame), and each 8-connected component of the
    mask (each target, as :func:`mmdsad.apis.find_targets` and the
    evaluator count them) gets a one-pixel box ``box_margin`` pixels
    outside it, so the target itself is not covered. The ground truth, when
    drawn, is boxed in ``gt_colour`` the same way.

    Drawing is with OpenCV on the pixel array, not through matplotlib:
    :meth:`get_image` returns exactly the drawn array (uint8 RGB, the
    frame's size), so overlays are the same on every machine.

    Args:
        name (str): Instance name (visualizers are named singletons).
        alpha (float): Opacity of the mask tint. Defaults to 0.5.
        mask_colour (tuple[int, int, int]): RGB of the mask tint.
        box_colour (tuple[int, int, int]): RGB of the predicted boxes.
        gt_colour (tuple[int, int, int]): RGB of the ground-truth boxes.
        box_margin (int): Pixels between a target and its box.
        **kwargs: Other arguments of :class:`SegLocalVisualizer`.
    """

    def __init__(self,
                 name: str = 'visualizer',
                 alpha: float = 0.5,
                 mask_colour: Colour = (255, 0, 0),
                 box_colour: Colour = (0, 255, 0),
                 gt_colour: Colour = (255, 255, 0),
                 box_margin: int = 2,
                 **kwargs) -> None:
        kwargs.setdefault('classes', ('background', 'target'))
        kwargs.setdefault('palette', [[0, 0, 0], list(mask_colour)])
        super().__init__(name=name, alpha=alpha, **kwargs)
        self.mask_colour = tuple(mask_colour)
        self.box_colour = tuple(box_colour)
        self.gt_colour = tuple(gt_colour)
        self.box_margin = box_margin

    def set_image(self, image: np.ndarray) -> None:
        """Keep the image to draw on (no matplotlib canvas).

        Args:
            image (np.ndarray): (H, W, 3) RGB; cast to uint8.
        """
        self._image = np.asarray(image).astype(np.uint8)
        self.height, self.width = self._image.shape[:2]

    @master_only
    def get_image(self) -> np.ndarray:
        """The drawn image.

        Returns:
            np.ndarray: uint8 (H, W, 3) RGB.
        """
        assert self._image is not None, 'set_image (or draw_targets) first'
        return self._image

    def draw_targets(self,
                     image: np.ndarray,
                     mask: np.ndarray,
                     gt_mask: Optional[np.ndarray] = None) -> np.ndarray:
        """Tint the mask, box its targets (and those of ``gt_mask``).

        Args:
            image (np.ndarray): (H, W, 3) RGB, any numeric type; clipped to
                [0, 255] (16-bit frames come scaled as float32).
            mask (np.ndarray): Bool (H, W) predicted mask.
            gt_mask (np.ndarray, optional): (H, W) ground truth, nonzero is
                target.

        Returns:
            np.ndarray: uint8 (H, W, 3) RGB, also the visualizer's image.
        """
        frame = np.clip(image, 0, 255).astype(np.uint8)
        tinted = frame.copy()
        tinted[mask] = self.mask_colour
        drawn = cv2.addWeighted(tinted, self.alpha, frame, 1 - self.alpha, 0)
        self._draw_boxes(drawn, mask, self.box_colour)
        if gt_mask is not None:
            self._draw_boxes(drawn, gt_mask, self.gt_colour)
        self.set_image(drawn)
        return drawn

    def _draw_boxes(self, image: np.ndarray, mask: np.ndarray,
                    colour: Sequence[int]) -> None:
        """Box each 8-connected component of ``mask`` in ``image``."""
        margin = self.box_margin
        for x, y, width, height in label_components(mask).boxes:
            cv2.rectangle(image, (int(x) - margin, int(y) - margin),
                          (int(x + width) - 1 + margin,
                           int(y + height) - 1 + margin), tuple(colour), 1)

    @master_only
    def add_datasample(self,
                       name: str,
                       image: np.ndarray,
                       data_sample: Optional[SegDataSample] = None,
                       draw_gt: bool = True,
                       draw_pred: bool = True,
                       show: bool = False,
                       wait_time: float = 0,
                       out_file: Optional[str] = None,
                       step: int = 0,
                       with_labels: Optional[bool] = True) -> None:
        """Draw a sample's mask and targets; show, save or log the image.

        Args:
            name (str): The image's name (window title, backend key).
            image (np.ndarray): (H, W, 3) RGB frame.
            data_sample (SegDataSample, optional): With ``pred_sem_seg``
                (the mask, (1, H, W)) and optionally ``gt_sem_seg``.
            draw_gt (bool): Box the ground-truth targets.
            draw_pred (bool): Tint and box the predicted mask.
            show (bool): Show the image in a window.
            wait_time (float): Seconds to show it.
            out_file (str, optional): Write the image there (PNG, BGR on
                disk as OpenCV writes); else it goes to the vis backends.
            step (int): Step for the vis backends.
            with_labels (bool): Unused: targets carry no class name.
        """
        shape = np.asarray(image).shape[:2]
        mask = np.zeros(shape, bool)
        gt_mask = None
        if data_sample is not None:
            if draw_pred and 'pred_sem_seg' in data_sample:
                mask = data_sample.pred_sem_seg.cpu().numpy().data[0] > 0
            if draw_gt and 'gt_sem_seg' in data_sample:
                gt_mask = data_sample.gt_sem_seg.cpu().numpy().data[0] > 0
        drawn = self.draw_targets(image, mask, gt_mask)
        if show:
            self.show(drawn, win_name=name, wait_time=wait_time)
        if out_file is not None:
            mmcv.imwrite(mmcv.rgb2bgr(drawn), out_file)
        else:
            self.add_image(name, drawn, step)
