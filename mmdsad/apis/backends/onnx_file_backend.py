"""Backends that run the ONNX file of ``tools/deployment/pytorch2onnx.py``."""
import os.path as osp
from abc import abstractmethod
from typing import List, Optional

import numpy as np
import torch
from mmengine.config import Config

from ..network_loading import network_config
from .base import InferenceBackend, Slide, TileCallback, padding_stride
from .tiling import probability_logits, slide_windows

# First bytes of the files torch.save writes: a zip archive, or a pickle.
TORCH_MAGICS = (b'PK\x03\x04', b'\x80')
# An ONNX ModelProto starts with field 1 (ir_version, a varint): tag 0x08.
ONNX_MAGIC = b'\x08'
# Tiles per run of the graph in sliced inference: memory holds this many
# tiles' activations whatever the frame's size.
TILES_PER_RUN = 4
RE_EXPORT = ('re-export it with tools/deployment/pytorch2onnx.py CONFIG '
             'CHECKPOINT --out FILE.onnx (add --overwrite to replace this '
             'file)')


def file_head(path: str) -> bytes:
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
    return path.lower().endswith('.onnx') or file_head(path).startswith(
        ONNX_MAGIC)


def padded_images(images: np.ndarray, mean: np.ndarray,
                  stride: int) -> np.ndarray:
    """A batch of frames of one size as the exported graph takes it.

    Padding with the mean is padding with 0 after the graph's own
    normalisation, as mmseg's preprocessor pads.

    Args:
        images (np.ndarray): Float32 (N, 3, H, W) in [0, 255], RGB.
        mean (np.ndarray): Float32 (3,) preprocessor mean.
        stride (int): The network's stride.

    Returns:
        np.ndarray: C-contiguous float32 (N, 3, H', W'), H' and W' the
        multiples of ``stride`` at or above H and W.
    """
    num, channels, height, width = images.shape
    padded = np.empty((num, channels, height + (-height % stride),
                       width + (-width % stride)), np.float32)
    padded[...] = mean[:, None, None]
    padded[:, :, :height, :width] = images
    return padded


def padded_batch(pixels: np.ndarray, mean: np.ndarray,
                 stride: int) -> np.ndarray:
    """One frame as the exported graph takes it (see :func:`padded_images`).

    Args:
        pixels (np.ndarray): Float32 (H, W, 3) in [0, 255], RGB.
        mean (np.ndarray): Float32 (3,) preprocessor mean.
        stride (int): The network's stride.

    Returns:
        np.ndarray: C-contiguous float32 (1, 3, H', W').
    """
    return padded_images(pixels.transpose(2, 0, 1)[None], mean, stride)


class OnnxFileBackend(InferenceBackend):
    """Whole-frame inference of an exported ``DeployedNetwork`` graph.

    The graph normalises its input itself, so a batch of frames of one size
    is padded with the mean to the stride (:func:`padded_images`), run as
    one (N, 3, H, W) batch (the graph's batch axis is dynamic) and cropped
    back. With ``slide`` the padded frame is cut into the tiles of mmseg's
    slide mode (:func:`~mmdsad.apis.backends.tiling.slide_windows`), run
    :data:`TILES_PER_RUN` at a time, and stitched as mmseg stitches
    them: the logits of overlapping tiles are averaged (here recovered
    from the graph's probabilities, within ±16.6, beyond which a pixel's
    mask cannot change), then the sigmoid is taken.

    Args:
        model_file (str): The ONNX file.
        config (Config): The config holding the network (its
            preprocessor's mean and stride are used).
        slide (tuple, optional): ((crop_h, crop_w), (stride_h, stride_w)),
            the crop a multiple of the network's stride.
        device (str): Unused: they run on the CPU.
        threads (int, optional): Intra-op threads; the runtime's default
            (all cores) when None.

    Raises:
        ValueError: A ``slide`` crop that is not a multiple of the
            network's stride.
        FileNotFoundError: ``model_file`` does not exist.
        ValueError: ``model_file`` is a PyTorch checkpoint.
        OSError: ``model_file`` is not a loadable ONNX model (corrupt,
            truncated, or another file).
    """

    # The name users pass, for error messages.
    name = ''

    def __init__(self,
                 model_file: str,
                 config: Config,
                 slide: Optional[Slide] = None,
                 device: str = 'cpu',
                 threads: Optional[int] = None) -> None:
        path = model_file
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'ONNX model not found: {path}; export one with '
                'tools/deployment/pytorch2onnx.py')
        if file_head(path).startswith(TORCH_MAGICS):
            raise ValueError(
                f'{path} is a PyTorch checkpoint, not an ONNX model; use '
                "backend='pytorch' (tools/infer.py --backend pytorch), or "
                f'{RE_EXPORT}')
        preprocessor = network_config(config).data_preprocessor
        self.mean = np.asarray(preprocessor.mean, np.float32)
        self.size_divisor = padding_stride(config)
        if slide is not None and any(size % self.size_divisor
                                     for size in slide[0]):
            raise ValueError(
                f'the slide crop {tuple(slide[0])} must be a multiple of the '
                f"network's stride {self.size_divisor} (the exported graph "
                'takes no other size): use e.g. --slide '
                f'{self.size_divisor * 16} {self.size_divisor * 16}')
        self.slide = slide
        try:
            self._load(path, threads)
        # Both runtimes raise their own types for a bad file (ONNX
        # Runtime's pybind InvalidProtobuf, Fail, ...; OpenVINO's
        # RuntimeError subclasses), with no common base but Exception.
        except Exception as error:
            raise OSError(
                f'cannot load the ONNX model {path} with {self.name} '
                f'({type(error).__name__}: {error}); the file is corrupt or '
                f'not an ONNX model: {RE_EXPORT}') from error

    @abstractmethod
    def _load(self, path: str, threads: Optional[int]) -> None:
        """Load the model file into the runtime."""

    @abstractmethod
    def run(self, images: np.ndarray) -> np.ndarray:
        """The graph on a batch.

        Args:
            images (np.ndarray): Float32 (B, 3, H, W), H and W multiples of
                the stride, C-contiguous.

        Returns:
            np.ndarray: Float32 probabilities (B, 1, H, W).
        """

    def predict(self,
                data: dict,
                on_tile: Optional[TileCallback] = None) -> List[np.ndarray]:
        """Probability maps of a batch of one size, whole-frame or sliced.

        Args:
            data (dict): ``inputs``: list of N (3, H, W) tensors of one
                size, RGB in [0, 255] (``data_samples`` are not needed).
            on_tile (Callable[[int, int], None], optional): With ``slide``,
                called after every run of the graph with (tiles done,
                tiles of the batch).

        Returns:
            list[np.ndarray]: N float32 (H, W) maps.
        """
        images = torch.stack([image.float() for image in data['inputs']])
        height, width = images.shape[-2:]
        padded = padded_images(images.numpy(), self.mean, self.size_divisor)
        if self.slide is None:
            probabilities = self.run(padded)[:, 0]
        else:
            probabilities = self._sliced(padded, on_tile)
        return list(probabilities[:, :height, :width])

    def _sliced(self, images: np.ndarray,
                on_tile: Optional[TileCallback]) -> np.ndarray:
        """Stitched probabilities of a padded (N, 3, H, W) batch: (N, H, W).
        """
        num, _, height, width = images.shape
        windows = slide_windows(height, width, *self.slide)
        counts = np.zeros((height, width), np.float32)
        for top, bottom, left, right in windows:
            counts[top:bottom, left:right] += 1
        tiles = [(index, window) for index in range(num)
                 for window in windows]
        logit_sums = np.zeros((num, height, width), np.float32)
        for start in range(0, len(tiles), TILES_PER_RUN):
            chunk = tiles[start:start + TILES_PER_RUN]
            batch = np.stack([
                images[index, :, top:bottom, left:right]
                for index, (top, bottom, left, right) in chunk
            ])
            logits = probability_logits(self.run(batch)[:, 0])
            for logit, (index, (top, bottom, left, right)) in zip(
                    logits, chunk):
                logit_sums[index, top:bottom, left:right] += logit
            if on_tile is not None:
                on_tile(start + len(chunk), len(tiles))
        return (1 / (1 + np.exp(-logit_sums / counts))).astype(np.float32)
