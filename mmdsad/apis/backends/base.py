"""What every runtime of :class:`mmdsad.apis.IRSTDInferencer` provides."""
from abc import ABCMeta, abstractmethod
from typing import Callable, Optional, Tuple

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
    """A runtime that turns one frame into target probabilities.

    Normalisation and padding to the network's stride are the backend's
    (the PyTorch backend leaves them to the segmentor's data preprocessor,
    the ONNX-file backends pad with the mean before the graph's own
    normalisation); the map comes back cropped to the frame.

    Every backend is built with the same arguments, so the inferencer
    builds any of them from its name: ``model_file`` (a checkpoint or an
    ONNX file), ``config`` (the config holding the network), ``slide``
    (((crop_h, crop_w), (stride_h, stride_w)) or None), ``device`` and
    ``threads`` (intra-op threads, or None for the runtime's default).
    """

    @abstractmethod
    def probabilities(self,
                      pixels: np.ndarray,
                      on_tile: Optional[TileCallback] = None) -> np.ndarray:
        """Probability map of one frame.

        Args:
            pixels (np.ndarray): Float32 (H, W, 3) in [0, 255], RGB.
            on_tile (Callable[[int, int], None], optional): Progress of a
                sliced frame (backends that slice call it per tile).

        Returns:
            np.ndarray: Float32 (H, W).
        """
