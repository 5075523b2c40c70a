"""What every runtime of :class:`mmdsad.apis.IRSTDInferencer` provides."""
from abc import ABCMeta, abstractmethod
from typing import Callable, List, Optional, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.registry import Registry

from ..network_loading import network_config

# The runtimes by name ('pytorch', 'onnxruntime', 'openvino'): the
# inferencer builds its backend from here, so a new runtime is one
# registered class and no branch in the inferencer.
INFERENCE_BACKENDS = Registry('inference backend')

# Called after every tile of a sliced frame with (tiles done, tiles).
TileCallback = Callable[[int, int], None]
# ((crop_h, crop_w), (stride_h, stride_w)) of sliced inference.
Slide = Tuple[Tuple[int, int], Tuple[int, int]]


def padding_stride(config: Config) -> int:
    """The stride frames are padded to, from the network's preprocessor.

    Args:
        config (Config): The config holding the network.

    Returns:
        int: ``size_divisor`` of the preprocessor's test settings (1 if
        none).
    """
    preprocessor = network_config(config).data_preprocessor
    return preprocessor.get('test_cfg', {}).get(
        'size_divisor', preprocessor.get('size_divisor', 1))


class InferenceBackend(metaclass=ABCMeta):
    """A runtime that turns a batch of frames into target probabilities.

    A backend takes a batch as the test pipeline and mmengine's
    ``pseudo_collate`` give it (``inputs``: (3, H, W) tensors of one size,
    RGB in [0, 255], uint8 or float32; ``data_samples``: their
    ``SegDataSample``s) and returns one probability map per frame, at the
    frame's size. Normalisation and padding to the network's stride are the
    backend's (the PyTorch backend leaves them to the segmentor's data
    preprocessor, the ONNX-file backends pad with the mean before the
    graph's own normalisation).

    Every backend is built with the same arguments, so the inferencer
    builds any of them from its name: ``model_file`` (a checkpoint or an
    ONNX file), ``config`` (the config holding the network), ``slide``
    (((crop_h, crop_w), (stride_h, stride_w)) or None), ``device`` and
    ``threads`` (intra-op threads, or None for the runtime's default).
    """

    @abstractmethod
    def predict(self,
                data: dict,
                on_tile: Optional[TileCallback] = None) -> List[np.ndarray]:
        """Probability maps of a batch of frames of one size.

        Args:
            data (dict): ``inputs`` (list of N (3, H, W) tensors, RGB in
                [0, 255]) and ``data_samples`` (list of N SegDataSample).
            on_tile (Callable[[int, int], None], optional): Progress of a
                sliced batch (backends that slice call it per tile).

        Returns:
            list[np.ndarray]: N float32 (H, W) maps.
        """
