"""The segmentor itself, in PyTorch: whole-frame or mmseg's slide mode."""
import contextlib
from typing import Iterator, List, Optional

import numpy as np
import torch
from mmengine.config import Config, ConfigDict

from ..network_loading import load_network
from .base import (
    INFERENCE_BACKENDS,
    InferenceBackend,
    Slide,
    TileCallback,
    padding_stride,
)
from .onnx_file_backend import is_onnx_file
from .tiling import slide_windows


@INFERENCE_BACKENDS.register_module(name='pytorch')
class PyTorchBackend(InferenceBackend):
    """Inference as the segmentor's ``test_step`` does it (``test_cfg``).

    Args:
        model_file (str): Weights-only checkpoint.
        config (Config): The config holding the network.
        slide (tuple, optional): ((crop_h, crop_w), (stride_h, stride_w)):
            mmseg's slide mode with overlapping tiles.
        device (str): Torch device.
        threads (int, optional): Torch intra-op threads (process-wide);
            left as they are when None.

    Raises:
        ValueError: ``model_file`` is an ONNX model or an OpenVINO IR.
    """

    def __init__(self,
                 model_file: str,
                 config: Config,
                 slide: Optional[Slide] = None,
                 device: str = 'cpu',
                 threads: Optional[int] = None) -> None:
        if is_onnx_file(model_file) or model_file.lower().endswith('.xml'):
            raise ValueError(
                f'{model_file} is an exported model (ONNX, or OpenVINO IR), '
                "not a PyTorch checkpoint; use backend='onnxruntime' or "
                "'openvino' (tools/infer.py --backend onnxruntime), or pass "
                'the checkpoint it was exported from.')
        if threads is not None:
            torch.set_num_threads(threads)
        self.size_divisor = padding_stride(config)
        self.slide = slide
        self.network = load_network(config, model_file, device)
        if slide is not None:
            (crop, stride) = slide
            self.network.test_cfg = ConfigDict(
                mode='slide', crop_size=tuple(crop), stride=tuple(stride))

    def predict(self,
                data: dict,
                on_tile: Optional[TileCallback] = None) -> List[np.ndarray]:
        """Probability maps of a batch: the segmentor's ``test_step``.

        Args:
            data (dict): ``inputs`` (list of N (3, H, W) tensors of one
                size, RGB in [0, 255]) and ``data_samples``, as the test
                pipeline and ``pseudo_collate`` give them.
            on_tile (Callable[[int, int], None], optional): With ``slide``,
                called after every tile of the batch with (tiles done,
                tiles).

        Returns:
            list[np.ndarray]: N float32 (H, W) maps.
        """
        height, width = data['inputs'][0].shape[-2:]
        with torch.no_grad(), self._counting_tiles(height, width, on_tile):
            samples = self.network.test_step(data)
        # One output channel: mmseg's seg_logits hold the sigmoid already.
        return [sample.seg_logits.data[0].cpu().numpy() for sample in samples]

    @contextlib.contextmanager
    def _counting_tiles(self, height: int, width: int,
                        on_tile: Optional[TileCallback]) -> Iterator[None]:
        """Call ``on_tile`` after each tile of mmseg's slide inference."""
        if self.slide is None or on_tile is None:
            yield
            return
        total = len(slide_windows(height + (-height % self.size_divisor),
                                  width + (-width % self.size_divisor),
                                  *self.slide))
        done = [0]

        def count(*_) -> None:
            done[0] += 1
            on_tile(done[0], total)

        handle = self.network.backbone.register_forward_hook(count)
        try:
            yield
        finally:
            handle.remove()
