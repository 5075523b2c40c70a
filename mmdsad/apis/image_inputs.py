"""Frames for inference: paths, arrays, folders or globs, 8- or 16-bit."""
import glob
import os.path as osp
from typing import Iterable, List, Sequence, Set, Tuple, Union

import numpy as np

from mmdsad.datasets.transforms.inference_loading import (  # noqa: F401
    LOW_BIT_MAX,
    IRSTDInferencerLoader,
    warn_if_low_bit,
)

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


def frame_results(name: str, source: ImageInput) -> dict:
    """The test pipeline's input dict of one frame.

    Args:
        name (str): Name of the frame (for warnings and errors).
        source (str | np.ndarray): Image path or array.

    Returns:
        dict: ``img_path`` (a path) or ``img`` (an array), and
        ``frame_name``, as :class:`IRSTDInferencerLoader` takes them.
    """
    if isinstance(source, np.ndarray):
        return dict(img=source, frame_name=name)
    return dict(img_path=source, frame_name=name)


def read_frame(source: ImageInput, name: str,
               high_bit_scale: str = 'full') -> np.ndarray:
    """Pixels of a frame, as the test pipeline's loader gives them.

    A convenience over :class:`IRSTDInferencerLoader` (the loader
    :class:`mmdsad.apis.IRSTDInferencer` puts into the test pipeline), for
    code that needs one frame without a pipeline (ONNX calibration).

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
    loader = IRSTDInferencerLoader(high_bit_scale=high_bit_scale)
    return loader(frame_results(name, source))['img'].astype(np.float32)
