"""Frames for inference: paths, arrays, folders or globs, 8- or 16-bit."""
import glob
import os.path as osp
import warnings
from typing import Iterable, List, Sequence, Set, Tuple, Union

import numpy as np
from PIL import Image

from mmdsad.datasets.transforms.loading import (
    HIGH_BIT_MAX,
    HIGH_BIT_MODES,
    load_pil_image,
    pil_to_array,
)

IMAGE_SUFFIXES = ('.png', '.bmp', '.jpg', '.jpeg', '.tif', '.tiff')
# One input: a path, a folder, a glob pattern or an (H, W[, C]) array.
ImageInput = Union[str, np.ndarray]
# (name, source): the name used in outputs, and a path or an array.
Frame = Tuple[str, ImageInput]
# 16-bit frames whose maximum is at most this hold 12-bit (or less) data,
# which the 'full' scale maps to at most 16 of 255.
LOW_BIT_MAX = 4095


def collect_frames(inputs: Union[ImageInput, Iterable[ImageInput]]
                   ) -> List[Frame]:
    """Expand the inputs into named frames, in a stable order.

    Args:
        inputs: One input or a list of them: an image path, a folder (its
            image files, sorted), a glob pattern (sorted matches) or an
            array (named ``array_<index>``).

    Returns:
        list[tuple[str, str | np.ndarray]]: (name, path or array) per frame.

    Raises:
        FileNotFoundError: A path that is neither a file, a folder nor a
            glob with matches.
    """
    if isinstance(inputs, (str, np.ndarray)):
        inputs = [inputs]
    frames: List[Frame] = []
    for index, item in enumerate(inputs):
        if isinstance(item, np.ndarray):
            frames.append((f'array_{index}', item))
        elif osp.isdir(item):
            frames.extend((osp.basename(path), path)
                          for path in sorted(glob.glob(osp.join(item, '*')))
                          if path.lower().endswith(IMAGE_SUFFIXES))
        elif osp.isfile(item):
            frames.append((osp.basename(item), item))
        elif glob.has_magic(item) and glob.glob(item):
            frames.extend(
                (osp.basename(path), path) for path in sorted(glob.glob(item))
                if osp.isfile(path))
        else:
            raise FileNotFoundError(
                f'{item} is not an image file, a folder or a glob that '
                'matches files')
    return frames


def output_names(names: Sequence[str], suffix: str = '.png') -> List[str]:
    """One output file name per frame, never the same for two frames.

    A frame's output is its whole name plus ``suffix`` (``a.jpg`` gives
    ``a.jpg.png``): names differing only in their extension (``a.png``,
    ``a.jpg``) stay apart, and no frame's output can be another's. A name
    that repeats (the same file name in two folders) gets ``~2``, ``~3``, ...
    before the suffix, skipping any name taken by another frame, so the
    result depends only on the names and their order.

    Args:
        names (Sequence[str]): Frame names, in order (see
            :func:`collect_frames`).
        suffix (str): Suffix of the output files. Defaults to '.png'.

    Returns:
        list[str]: Unique output file names, in the order of ``names``.
    """
    # Every frame's own output is reserved first, so that a repeat's
    # ``~k`` never takes the output of a frame further down the list.
    taken = {name + suffix for name in names}
    seen: Set[str] = set()
    outputs = []
    for name in names:
        if name not in seen:
            seen.add(name)
            outputs.append(name + suffix)
            continue
        count = 2
        while f'{name}~{count}{suffix}' in taken:
            count += 1
        output = f'{name}~{count}{suffix}'
        taken.add(output)
        outputs.append(output)
    return outputs


def array_to_pixels(array: np.ndarray, name: str,
                    high_bit_scale: str) -> np.ndarray:
    """An in-memory frame as the file loader would give it.

    Args:
        array (np.ndarray): uint8 or uint16 of shape (H, W), (H, W, 1) or
            (H, W, 3) (RGB order, as the loader gives colour files).
        name (str): Name of the frame, for errors.
        high_bit_scale (str): 'full' or 'minmax' (see
            :class:`mmdsad.datasets.transforms.LoadIRImageFromFile`).

    Returns:
        np.ndarray: Float32 pixels in [0, 255] of shape (H, W, 3).

    Raises:
        ValueError: The array is empty, or of another dtype or shape.
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
    if array.ndim == 2:
        # PIL holds uint16 as 'I;16', so both depths take the loader's path.
        return pil_to_array(
            Image.fromarray(array), 'color', high_bit_scale,
            name).astype(np.float32)
    if array.dtype == np.uint8:
        return array.astype(np.float32)
    # PIL has no 3-channel 16-bit mode: scale each channel as the loader
    # scales a 16-bit grey frame.
    return np.stack([
        pil_to_array(Image.fromarray(np.ascontiguousarray(channel)),
                     'grayscale', high_bit_scale, name)
        for channel in np.moveaxis(array, 2, 0)
    ], axis=2).astype(np.float32)


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


def read_frame(source: ImageInput, name: str,
               high_bit_scale: str = 'full') -> np.ndarray:
    """Pixels of a frame, exactly as the test pipeline loads them.

    Args:
        source (str | np.ndarray): Image path or array.
        name (str): Name of the frame, for errors.
        high_bit_scale (str): How 16-bit frames reach [0, 255].

    Returns:
        np.ndarray: Float32 pixels in [0, 255] of shape (H, W, 3), RGB.

    Raises:
        OSError: The file cannot be decoded (named).
        ValueError: The array is empty, or of another dtype or shape.

    Warns:
        UserWarning: A 16-bit frame holds 12-bit data or less under the
            'full' scale (see :func:`warn_if_low_bit`).
    """
    if isinstance(source, np.ndarray):
        pixels = array_to_pixels(source, name, high_bit_scale)
        if source.dtype == np.uint16:
            warn_if_low_bit(source, name, high_bit_scale)
        return pixels
    image = load_pil_image(source, kind='image')
    pixels = pil_to_array(image, 'color', high_bit_scale, source)
    if image.mode in HIGH_BIT_MODES:
        warn_if_low_bit(np.asarray(image), name, high_bit_scale)
    return pixels.astype(np.float32)
