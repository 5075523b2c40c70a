"""Backends that run the ONNX file of ``tools/deployment/pytorch2onnx.py``."""
import os.path as osp
from abc import abstractmethod
from typing import List, Optional

import numpy as np
import torch
from mmengine.config import Config

from ..network_loading import network_config
from .base import InferenceBackend, Slide, TileCallback, padding_stride

# First bytes of the files torch.save writes: a zip archive, or a pickle.
TORCH_MAGICS = (b'PK\x03\x04', b'\x80')
# An ONNX ModelProto starts with field 1 (ir_version, a varint): tag 0x08.
ONNX_MAGIC = b'\x08'
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
    back.

    Args:
        model_file (str): The ONNX file.
        config (Config): The config holding the network (its
            preprocessor's mean and stride are used).
        slide: Must be None: these backends run whole frames.
        device (str): Unused: they run on the CPU.
        threads (int, optional): Intra-op threads; the runtime's default
            (all cores) when None.

    Raises:
        ValueError: ``slide`` is given.
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
        if slide is not None:
            raise ValueError(
                "sliced inference runs on the pytorch backend (mmseg's "
                "slide mode); use backend='pytorch'")
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
        """Probability maps of a batch of one size, whole-frame.

        Args:
            data (dict): ``inputs``: list of N (3, H, W) tensors of one
                size, RGB in [0, 255] (``data_samples`` are not needed).
            on_tile: Unused: these backends do not slice.

        Returns:
            list[np.ndarray]: N float32 (H, W) maps.
        """
        images = torch.stack([image.float() for image in data['inputs']])
        height, width = images.shape[-2:]
        probabilities = self.run(
            padded_images(images.numpy(), self.mean, self.size_divisor))
        return list(probabilities[:, 0, :height, :width])
