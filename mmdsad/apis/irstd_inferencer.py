"""Run a trained IRSTD network on frames and get its targets out."""
import warnings
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, List, Optional, Union

import numpy as np
from mmengine.config import Config
from torch import nn

from .backends import INFERENCE_BACKENDS, InferenceBackend
from .backends.base import Slide
from .image_inputs import ImageInput, collect_frames, read_frame
from .network_loading import network_config
from .targets import Target, find_targets

BACKENDS = tuple(INFERENCE_BACKENDS.module_dict)


@dataclass
class FrameResult:
    """What the network found in one frame.

    Attributes:
        name (str): File name (or ``array_<index>``).
        pixels (np.ndarray): Float32 (H, W, 3) RGB in [0, 255], the frame
            as the network saw it (16-bit scaled).
        probabilities (np.ndarray): Float32 (H, W) at the frame's size.
        mask (np.ndarray): Bool (H, W), probabilities above the threshold.
        targets (list[Target]): The mask's 8-connected components.
    """

    name: str
    pixels: np.ndarray
    probabilities: np.ndarray
    mask: np.ndarray
    targets: List[Target] = field(default_factory=list)


@dataclass
class SkippedFrame:
    """A frame that could not be read: its name and why."""

    name: str
    reason: str


class IRSTDInferencer:
    """Probability maps, masks and targets of a trained IRSTD network.

    Frames are read as the test pipeline reads them
    (:class:`mmdsad.datasets.transforms.LoadIRImageFromFile`: grey
    replicated to RGB, 16-bit scaled to [0, 255]), normalised, zero-padded
    (after normalisation, as mmseg's data preprocessor does) to the
    network's stride and cropped back, so any frame size works, smaller
    than the stride included.

    The runtime is a backend object built by name from
    :data:`mmdsad.apis.backends.INFERENCE_BACKENDS`. With
    ``backend='pytorch'`` inference is the segmentor's own
    (``model.test_cfg``: ``mode='whole'``, or ``mode='slide'`` with
    ``crop_size`` and ``stride`` for large frames, see ``slide``). With
    ``backend='onnxruntime'`` or ``'openvino'`` ``checkpoint`` is an ONNX
    file from ``tools/deployment/pytorch2onnx.py`` (fp32, or INT8 QDQ from
    ``tools/deployment/quantize_onnx.py``), run whole-frame on CPU. A file
    of the other kind (an ONNX model for 'pytorch', a checkpoint for an
    ONNX backend) and a corrupt ONNX file are refused with what to do.

    A frame that cannot be used (an undecodable file, an empty array, an
    array of another dtype or shape) is skipped with a warning and a
    :class:`SkippedFrame`, and the other frames are still inferred. A
    16-bit frame holding 12-bit data or less is used but warned about
    (``high_bit_scale='full'`` makes it near-black; see
    :func:`mmdsad.apis.image_inputs.warn_if_low_bit`).

    Sliced inference stitches the tiles' logits (averaged where tiles
    overlap) into one map before thresholding, and targets are the
    components of that map, so a target on a tile seam is one target.

    Attributes:
        threshold (float): Mask threshold on the probabilities (the decode
            head's, 0.5 by default).

    Args:
        config (str | Config): The network config (or an FDEP /
            distillation config holding it).
        checkpoint (str): Weights-only checkpoint, or the ONNX file.
        backend (str): 'pytorch', 'onnxruntime' or 'openvino'.
        slide (tuple, optional): ((crop_h, crop_w), (stride_h, stride_w)):
            sliced inference with overlapping tiles (PyTorch backend).
        high_bit_scale (str): 'full' or 'minmax' for 16-bit frames.
        device (str): Torch device of the PyTorch backend.
        on_tile (Callable[[int, int], None], optional): With ``slide``,
            called after every tile with (tiles done, tiles in the frame),
            e.g. to show progress over a large frame.
        threads (int, optional): Intra-op threads of the runtime (for
            PyTorch process-wide); its default when None.

    Raises:
        ValueError: An unknown backend, ``slide`` without the PyTorch
            backend, or a checkpoint of the other backend.
        FileNotFoundError: The ONNX file does not exist.
        OSError: The ONNX file is corrupt.
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: str,
                 backend: str = 'pytorch',
                 slide: Optional[Slide] = None,
                 high_bit_scale: str = 'full',
                 device: str = 'cpu',
                 on_tile: Optional[Callable[[int, int], None]] = None,
                 threads: Optional[int] = None) -> None:
        if backend not in BACKENDS:
            raise ValueError(
                f'backend must be one of {BACKENDS}, got {backend!r}')
        cfg = Config.fromfile(config) if isinstance(config, str) else config
        self.backend = backend
        self.high_bit_scale = high_bit_scale
        self.on_tile = on_tile
        self.threshold = network_config(cfg).decode_head.get(
            'threshold', 0.5)
        self.runtime: InferenceBackend = INFERENCE_BACKENDS.build(
            dict(
                type=backend,
                model_file=checkpoint,
                config=cfg,
                slide=slide,
                device=device,
                threads=threads))

    @property
    def network(self) -> nn.Module:
        """The segmentor of the PyTorch backend."""
        return self.runtime.network

    def probabilities(self, pixels: np.ndarray) -> np.ndarray:
        """Probability map of one frame.

        Args:
            pixels (np.ndarray): Float32 (H, W, 3) in [0, 255], RGB.

        Returns:
            np.ndarray: Float32 (H, W).
        """
        return self.runtime.probabilities(pixels, self.on_tile)

    def run(self, inputs: Union[ImageInput, Iterable[ImageInput]]
            ) -> Iterator[Union[FrameResult, SkippedFrame]]:
        """Infer frame by frame; unusable frames are skipped, not fatal.

        Args:
            inputs: Paths, arrays, folders or globs (see
                :func:`mmdsad.apis.image_inputs.collect_frames`).

        Yields:
            FrameResult | SkippedFrame: One per frame, in input order; a
            skipped frame is also warned about.
        """
        for name, source in collect_frames(inputs):
            try:
                pixels = read_frame(source, name, self.high_bit_scale)
            except (OSError, ValueError) as error:
                warnings.warn(f'skipping {name}: {error}', stacklevel=2)
                yield SkippedFrame(name, str(error))
                continue
            probabilities = self.probabilities(pixels)
            mask, targets = find_targets(probabilities, self.threshold)
            yield FrameResult(name, pixels, probabilities, mask, targets)

    def __call__(self, inputs: Union[ImageInput, Iterable[ImageInput]]
                 ) -> List[FrameResult]:
        """Results of the readable frames (see :meth:`run`).

        Args:
            inputs: Paths, arrays, folders or globs.

        Returns:
            list[FrameResult]: One per readable frame.
        """
        return [
            result for result in self.run(inputs)
            if isinstance(result, FrameResult)
        ]
