"""The test pipeline's loader for inference: a file path or an array.

mmseg's inferencer swaps the test pipeline's ``LoadImageFromFile`` for a
loader that also takes in-memory arrays (``LoadImageFromNDArray``). The
IRSTD equivalent is :class:`IRSTDInferencerLoader`: a
:class:`LoadIRImageFromFile` (same arguments, same decoding of files) that
also loads uint8 / uint16 arrays of one or three channels as that loader
loads the files holding them, and warns about 16-bit frames holding 12-bit
data or less.
"""
import warnings

import numpy as np
from mmseg.registry import TRANSFORMS
from PIL import Image

from .loading import (
    HIGH_BIT_MAX,
    HIGH_BIT_MODES,
    LoadIRImageFromFile,
    pil_to_array,
)

# 16-bit frames whose maximum is at most this hold 12-bit (or less) data,
# which the 'full' scale maps to at most 16 of 255.
LOW_BIT_MAX = 4095


def warn_if_low_bit(values: np.ndarray, name: str,
                    high_bit_scale: str) -> None:
    """Warn about a 16-bit frame holding 12-bit (or less) data.

    With the 'full' scale such a frame reaches at most 16 of 255, which the
    network sees as near-black; 'minmax' stretches each frame instead.

    Args:
        values (np.ndarray): The frame's raw 16-bit values.
        name (str): Name of the frame, for the warning.
        high_bit_scale (str): The scale in use.
    """
    if high_bit_scale != 'full' or values.size == 0:
        return
    peak = int(values.max())
    # An all-zero frame holds no data of any depth to warn about.
    if 0 < peak <= LOW_BIT_MAX:
        warnings.warn(
            f'frame {name} is 16-bit but its values are at most {peak} '
            f'(<= {LOW_BIT_MAX}: 12-bit data or less); '
            "high_bit_scale='full' maps it to at most "
            f'{peak * 255 / HIGH_BIT_MAX:.1f} of 255, a near-black frame. '
            "Use high_bit_scale='minmax' (tools/infer.py --high-bit-scale "
            'minmax) if the network was trained on such frames stretched '
            'per frame.',
            stacklevel=3)


def array_to_image(array: np.ndarray, name: str, color_type: str,
                   high_bit_scale: str) -> np.ndarray:
    """An in-memory frame as :class:`LoadIRImageFromFile` loads its file.

    Args:
        array (np.ndarray): uint8 or uint16 of shape (H, W), (H, W, 1) or
            (H, W, 3) (RGB order, as the loader gives colour files).
        name (str): Name of the frame, for errors.
        color_type (str): 'color' for (H, W, 3) RGB (grey replicated) or
            'grayscale' for (H, W).
        high_bit_scale (str): 'full' or 'minmax' for 16-bit frames.

    Returns:
        np.ndarray: uint8 for 8-bit arrays, float32 in [0, 255] for 16-bit
        ones; (H, W, 3) or (H, W).

    Raises:
        ValueError: The array is empty, or of another dtype or shape, or a
            3-channel 16-bit array asked for in grey.
    """
    if array.size == 0:
        raise ValueError(
            f'frame {name} is empty (shape {array.shape}); pass an image of '
            'at least 1x1 pixels')
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.dtype not in (np.uint8, np.uint16) or not (
            array.ndim == 2 or (array.ndim == 3 and array.shape[2] == 3)):
        raise ValueError(
            f'frame {name}: expected a uint8 or uint16 array of shape '
            f'(H, W), (H, W, 1) or (H, W, 3), got {array.dtype} '
            f'{array.shape}')
    if array.ndim == 2 or array.dtype == np.uint8:
        # PIL holds 2-D uint16 as 'I;16' and uint8 RGB as 'RGB', so both
        # take the file loader's conversion.
        return pil_to_array(
            Image.fromarray(array), color_type, high_bit_scale, name)
    if color_type != 'color':
        raise ValueError(
            f'frame {name}: a 3-channel 16-bit array has no grey conversion; '
            "pass one channel, or use color_type='color'")
    # PIL has no 3-channel 16-bit mode: scale each channel as the loader
    # scales a 16-bit grey frame.
    return np.stack([
        pil_to_array(Image.fromarray(np.ascontiguousarray(channel)),
                     'grayscale', high_bit_scale, name)
        for channel in np.moveaxis(array, 2, 0)
    ], axis=2)


@TRANSFORMS.register_module()
class IRSTDInferencerLoader(LoadIRImageFromFile):
    """:class:`LoadIRImageFromFile` for inference: a path or an array.

    With ``img_path`` in the results it is the file loader; with ``img``
    (an array) it converts the array as the file loader converts a file of
    the same mode (:func:`array_to_image`). Either way a 16-bit frame of
    12-bit data or less under the 'full' scale is warned about
    (:func:`warn_if_low_bit`), named by ``frame_name`` if the results hold
    one.

    Required Keys:

    - img_path, or img (np.ndarray)
    - frame_name (optional)

    Added Keys:

    - img
    - img_path (None for an array)
    - img_shape
    - ori_shape

    Args:
        **kwargs: Arguments of :class:`LoadIRImageFromFile`.
    """

    def transform(self, results: dict) -> dict:
        """Load the frame at ``img_path`` or convert the array ``img``.

        Args:
            results (dict): ``img_path`` or ``img``, and ``frame_name``.

        Returns:
            dict: ``results`` with ``img``, ``img_shape`` and ``ori_shape``.

        Raises:
            OSError: The file cannot be decoded.
            ValueError: The array is empty, or of another dtype or shape.
        """
        if 'img' not in results:
            return super().transform(results)
        array = np.asarray(results['img'])
        name = results.get('frame_name', '<array>')
        img = array_to_image(array, name, self.color_type, self.high_bit_scale)
        if array.dtype == np.uint16:
            warn_if_low_bit(array, name, self.high_bit_scale)
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_path'] = None
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def _check_decoded(self, image: Image.Image, results: dict) -> None:
        """Warn about a 16-bit file of 12-bit data (see the class)."""
        if image.mode in HIGH_BIT_MODES:
            warn_if_low_bit(
                np.asarray(image),
                results.get('frame_name', results['img_path']),
                self.high_bit_scale)
