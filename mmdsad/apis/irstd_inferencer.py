"""Run a trained IRSTD network on frames and get its targets out."""
import contextlib
import os.path as osp
import warnings
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Callable,
    Iterable,
    Iterator,
    List,
    Optional,
    Tuple,
    Union,
)

import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from mmseg.structures import SegDataSample

from .image_inputs import ImageInput, collect_frames, read_frame
from .network_loading import load_network, network_config
from .targets import Target, find_targets

if TYPE_CHECKING:
    import onnxruntime

BACKENDS = ('pytorch', 'onnxruntime')
# First bytes of the files torch.save writes: a zip archive, or a pickle.
TORCH_MAGICS = (b'PK\x03\x04', b'\x80')
# An ONNX ModelProto starts with field 1 (ir_version, a varint): tag 0x08.
ONNX_MAGIC = b'\x08'
RE_EXPORT = ('re-export it with tools/deployment/pytorch2onnx.py CONFIG '
             'CHECKPOINT --out FILE.onnx (add --overwrite to replace this '
             'file)')


def _file_head(path: str) -> bytes:
    """The first bytes of a file (empty if it cannot be read)."""
    try:
        with open(path, 'rb') as file:
            return file.read(4)
    except OSError:
        return b''


def is_onnx_file(path: str) -> bool:
    """Whether ``path`` is (meant as) an ONNX model: by suffix or content.

    Args:
        path (str): A checkpoint or model file.

    Returns:
        bool: True for a ``.onnx`` name or a file starting as ONNX does.
    """
    return path.lower().endswith('.onnx') or _file_head(path).startswith(
        ONNX_MAGIC)


def onnx_session(path: str) -> 'onnxruntime.InferenceSession':
    """An ONNX Runtime CPU session, or an error saying what to do.

    Args:
        path (str): The ONNX file.

    Returns:
        onnxruntime.InferenceSession: The session.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is a PyTorch checkpoint.
        OSError: ``path`` is not a loadable ONNX model (corrupt, truncated,
            or another file).
    """
    import onnxruntime
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'ONNX model not found: {path}; export one with '
            'tools/deployment/pytorch2onnx.py')
    if _file_head(path).startswith(TORCH_MAGICS):
        raise ValueError(
            f'{path} is a PyTorch checkpoint, not an ONNX model; use '
            "backend='pytorch' (tools/infer.py --backend pytorch), or "
            f'{RE_EXPORT}')
    try:
        return onnxruntime.InferenceSession(
            path, providers=['CPUExecutionProvider'])
    # ONNX Runtime raises its own pybind types (InvalidProtobuf, Fail,
    # InvalidGraph, ...), with no common base but Exception.
    except Exception as error:
        raise OSError(
            f'cannot load the ONNX model {path} ({type(error).__name__}: '
            f'{error}); the file is corrupt or not an ONNX model: '
            f'{RE_EXPORT}') from error


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

    With ``backend='pytorch'`` inference is the segmentor's own
    (``model.test_cfg``: ``mode='whole'``, or ``mode='slide'`` with
    ``crop_size`` and ``stride`` for large frames, see ``slide``). With
    ``backend='onnxruntime'`` ``checkpoint`` is an ONNX file from
    ``tools/deployment/pytorch2onnx.py``, run whole-frame on CPU. A file of
    the other backend (an ONNX model for 'pytorch', a checkpoint for
    'onnxruntime') and a corrupt ONNX file are refused with what to do.

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
        backend (str): 'pytorch' or 'onnxruntime'.
        slide (tuple, optional): ((crop_h, crop_w), (stride_h, stride_w)):
            sliced inference with overlapping tiles (PyTorch backend).
        high_bit_scale (str): 'full' or 'minmax' for 16-bit frames.
        device (str): Torch device of the PyTorch backend.
        on_tile (Callable[[int, int], None], optional): With ``slide``,
            called after every tile with (tiles done, tiles in the frame),
            e.g. to show progress over a large frame.

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
                 slide: Optional[Tuple[Tuple[int, int], Tuple[int,
                                                              int]]] = None,
                 high_bit_scale: str = 'full',
                 device: str = 'cpu',
                 on_tile: Optional[Callable[[int, int], None]] = None
                 ) -> None:
        if backend not in BACKENDS:
            raise ValueError(
                f'backend must be one of {BACKENDS}, got {backend!r}')
        if slide is not None and backend != 'pytorch':
            raise ValueError('sliced inference runs on the pytorch backend '
                             "(mmseg's slide mode); use backend='pytorch'")
        cfg = Config.fromfile(config) if isinstance(config, str) else config
        self.backend = backend
        self.high_bit_scale = high_bit_scale
        self.slide = slide
        self.on_tile = on_tile
        model_cfg = network_config(cfg)
        preprocessor = model_cfg.data_preprocessor
        self.mean = np.asarray(preprocessor.mean, dtype=np.float32)
        self.std = np.asarray(preprocessor.std, dtype=np.float32)
        self.size_divisor = preprocessor.get('test_cfg', {}).get(
            'size_divisor', preprocessor.get('size_divisor', 1))
        self.threshold = model_cfg.decode_head.get('threshold', 0.5)
        if backend == 'pytorch':
            if is_onnx_file(checkpoint):
                raise ValueError(
                    f'{checkpoint} is an ONNX model, not a PyTorch '
                    "checkpoint; use backend='onnxruntime' (tools/infer.py "
                    '--backend onnxruntime), or pass the checkpoint it was '
                    'exported from.')
            self.network = load_network(cfg, checkpoint, device)
            if slide is not None:
                (crop, stride) = slide
                self.network.test_cfg = ConfigDict(
                    mode='slide', crop_size=tuple(crop), stride=tuple(stride))
        else:
            self.session = onnx_session(checkpoint)

    def probabilities(self, pixels: np.ndarray) -> np.ndarray:
        """Probability map of one frame.

        Args:
            pixels (np.ndarray): Float32 (H, W, 3) in [0, 255], RGB.

        Returns:
            np.ndarray: Float32 (H, W).
        """
        height, width = pixels.shape[:2]
        if self.backend == 'onnxruntime':
            # Padding with the mean is padding with 0 after the graph's
            # normalisation, as mmseg's preprocessor pads.
            padded = np.empty(
                (height + (-height % self.size_divisor),
                 width + (-width % self.size_divisor), 3), np.float32)
            padded[...] = self.mean
            padded[:height, :width] = pixels
            images = np.ascontiguousarray(padded.transpose(2, 0, 1)[None])
            output = self.session.run(None, {'images': images})
            return output[0][0, 0, :height, :width]
        sample = SegDataSample(
            metainfo=dict(img_shape=(height, width), ori_shape=(height,
                                                                width)))
        data = dict(
            inputs=[torch.from_numpy(pixels.transpose(2, 0, 1).copy())],
            data_samples=[sample])
        with torch.no_grad(), self._counting_tiles(height, width):
            data = self.network.data_preprocessor(data, training=False)
            result = self.network.predict(data['inputs'],
                                          data['data_samples'])[0]
        return result.seg_logits.data[0].cpu().numpy()

    @contextlib.contextmanager
    def _counting_tiles(self, height: int, width: int) -> Iterator[None]:
        """Call ``on_tile`` after each tile of mmseg's slide inference."""
        if self.slide is None or self.on_tile is None:
            yield
            return
        (crop_h, crop_w), (stride_h, stride_w) = self.slide
        padded_h = height + (-height % self.size_divisor)
        padded_w = width + (-width % self.size_divisor)
        # mmseg's EncoderDecoder.slide_inference grid.
        total = ((max(padded_h - crop_h + stride_h - 1, 0) // stride_h + 1) *
                 (max(padded_w - crop_w + stride_w - 1, 0) // stride_w + 1))
        done = [0]

        def count(*_) -> None:
            done[0] += 1
            self.on_tile(done[0], total)

        handle = self.network.backbone.register_forward_hook(count)
        try:
            yield
        finally:
            handle.remove()

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
