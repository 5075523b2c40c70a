"""Frames for inference: paths, arrays, folders or globs, 8- or 16-bit."""
import glob
import os.path as osp
from typing import Iterable, List, Tuple, Union

import numpy as np
from PIL import Image

from mmdsad.datasets.transforms.loading import load_pil_image, pil_to_array

IMAGE_SUFFIXES = ('.png', '.bmp', '.jpg', '.jpeg', '.tif', '.tiff')
# One input: a path, a folder, a glob pattern or an (H, W[, C]) array.
ImageInput = Union[str, np.ndarray]
# (name, source): the name used in outputs, and a path or an array.
Frame = Tuple[str, ImageInput]


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
    """
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
    """
    if isinstance(source, np.ndarray):
        return array_to_pixels(source, name, high_bit_scale)
    image = load_pil_image(source, kind='image')
    return pil_to_array(image, 'color', high_bit_scale,
                        source).astype(np.float32)
