"""Loading transforms for infrared small target detection (IRSTD) data.

IRSTD releases store images in whatever mode the authors' tools produced
(8-bit L, RGB, palette, 1-bit, 16-bit) and masks as 0/255, 0/1, 1-bit or
palette PNGs, sometimes at a different size than the image. The helpers
here decode all of them with PIL, and are shared by the transforms and the
dataset converters so that there is exactly one binarise/resize rule.
"""
import io
import warnings
from typing import Optional, Set, Tuple

import cv2
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS
from PIL import Image, UnidentifiedImageError

# PIL modes holding more than 8 bits per sample. Depending on the Pillow
# version a 16-bit PNG opens as 'I;16' or as 32-bit 'I'.
HIGH_BIT_MODES = ('I;16', 'I;16L', 'I;16B', 'I;16N', 'I')
HIGH_BIT_MAX = 65535
HIGH_BIT_SCALES = ('full', 'minmax')
COLOR_TYPES = ('color', 'grayscale')
# Small targets cover a tiny part of a frame; a mask that is mostly target
# is almost always inverted (or a palette read the wrong way round).
MAX_TARGET_FRACTION = 0.5


class ImageDecodeError(OSError):
    """An image or mask file that exists but cannot be decoded.

    Args:
        path (str): The file.
        kind (str): What the file is ('image', 'mask').
        reason (str): Why decoding failed.
    """

    def __init__(self, path: str, kind: str, reason: str) -> None:
        super().__init__(f'cannot decode {kind} file {path} ({reason}). The '
                         'file is corrupt or not an image; re-export or '
                         'remove it.')
        self.path = path
        self.kind = kind
        self.reason = reason

    def __reduce__(self) -> tuple:
        # Worker processes (data loaders, the converter's pool) pickle the
        # error; the default would call __init__ with the message alone.
        return type(self), (self.path, self.kind, self.reason)


def load_pil_image(path: str,
                   backend_args: Optional[dict] = None,
                   kind: str = 'image') -> Image.Image:
    """Read and fully decode an image file with PIL.

    PIL decodes lazily, so a truncated file would otherwise fail far from
    here with a message that does not name the file.

    Args:
        path (str): Path (or URI understood by mmengine's file backends).
        backend_args (dict, optional): Arguments for the mmengine file
            backend. Defaults to None.
        kind (str): What the file is ('image', 'mask'), used in error
            messages. Defaults to 'image'.

    Returns:
        PIL.Image.Image: The decoded image in its stored mode.

    Raises:
        FileNotFoundError: If the file does not exist.
        ImageDecodeError: If the file exists but cannot be decoded (an
            ``OSError``).
    """
    try:
        data = fileio.get(path, backend_args=backend_args)
    except FileNotFoundError as err:
        raise FileNotFoundError(
            f'{kind} file not found: {path}. Check `data_root`, '
            f'`data_prefix` and the suffixes of the dataset config.') from err
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except Exception as err:  # PIL raises many types for corrupt files
        # PIL's own message names an anonymous BytesIO, not the file.
        reason = ('unrecognised image format' if isinstance(
            err, UnidentifiedImageError) else f'{type(err).__name__}: {err}')
        raise ImageDecodeError(path, kind, reason) from err
    return img


def _high_bit_to_float(arr: np.ndarray, scale: str, path: str) -> np.ndarray:
    """Map a >8-bit array to float32 in [0, 255]."""
    arr = arr.astype(np.float32)
    if arr.size and (arr.min() < 0 or arr.max() > HIGH_BIT_MAX):
        raise ValueError(
            f'image {path} holds values in [{arr.min():g}, {arr.max():g}], '
            f'outside the 16-bit range [0, {HIGH_BIT_MAX}] this loader '
            'supports; convert it to 8- or 16-bit first.')
    if scale == 'full':
        return arr * np.float32(255.0 / HIGH_BIT_MAX)
    low, high = (float(arr.min()), float(arr.max())) if arr.size else (0, 0)
    if high <= low:
        # A constant frame has no contrast to stretch.
        return np.zeros_like(arr)
    return (arr - np.float32(low)) * np.float32(255.0 / (high - low))


def pil_to_array(img: Image.Image,
                 color_type: str = 'color',
                 high_bit_scale: str = 'full',
                 path: str = '<memory>') -> np.ndarray:
    """Convert a PIL image of any common mode to a numpy array.

    Args:
        img (PIL.Image.Image): Image in any of the modes L, RGB, RGBA, P,
            1, LA, I;16 or I (others are converted through PIL to L/RGB).
        color_type (str): 'color' for an H×W×3 RGB array (grayscale is
            replicated, like ``Image.convert('RGB')`` in DNANet) or
            'grayscale' for an H×W array. Defaults to 'color'.
        high_bit_scale (str): How 16-bit images reach [0, 255]: 'full'
            (value·255/65535) or 'minmax' (per-image stretch). Defaults to
            'full'.
        path (str): Name of the source, used in error messages.

    Returns:
        np.ndarray: uint8 for 8-bit sources, float32 in [0, 255] for 16-bit
        sources; H×W×3 (RGB order) or H×W.
    """
    if color_type not in COLOR_TYPES:
        raise ValueError(
            f'color_type must be one of {COLOR_TYPES}, got {color_type!r}')
    if high_bit_scale not in HIGH_BIT_SCALES:
        raise ValueError(f'high_bit_scale must be one of {HIGH_BIT_SCALES}, '
                         f'got {high_bit_scale!r}')
    if img.mode in HIGH_BIT_MODES:
        arr = _high_bit_to_float(np.asarray(img), high_bit_scale, path)
        if color_type == 'color':
            arr = np.repeat(arr[..., None], 3, axis=2)
        return np.ascontiguousarray(arr)
    if img.mode == 'F':
        raise ValueError(
            f'image {path} is a floating-point (mode F) image, whose range '
            'is unknown; convert it to 8- or 16-bit first.')
    # PIL's conversions handle the 8-bit modes: palette lookup for P,
    # 0/255 for 1-bit, alpha dropped for LA/RGBA.
    target_mode = 'RGB' if color_type == 'color' else 'L'
    if img.mode != target_mode:
        img = img.convert(target_mode)
    return np.array(img, dtype=np.uint8)


def binarize_mask(mask: Image.Image) -> np.ndarray:
    """Binarise a mask image: any nonzero value (non-black colour) is target.

    The rule covers every encoding found in IRSTD releases: 0/255 L,
    0/1 L, 1-bit, RGB and palette images. Mapping 255 to 1 matters because
    255 is mmseg's ``ignore_index``: a raw 0/255 mask would make every target
    pixel ignored. Alpha channels are dropped (an opaque background would
    otherwise be nonzero), and for RGB masks a pixel is target if any colour
    channel is nonzero.

    Palette (P, PA) masks are read by their colour, like RGB masks: a pixel
    is target if its palette colour is not black, whatever its index. The
    index order is an artefact of the tool that wrote the file (a palette
    whose index 1 is black would otherwise make the whole background
    target), while the colour is what the annotator saw. Any non-black
    colour counts, so a dark palette colour whose luminance rounds to 0 is
    still target.

    Args:
        mask (PIL.Image.Image): Mask in any PIL mode.

    Returns:
        np.ndarray: H×W uint8 array of 0 (background) and 1 (target).
    """
    if mask.mode == 'LA':
        arr = np.asarray(mask.getchannel(0))
    elif mask.mode in ('P', 'PA', 'RGBA'):
        # Through RGBA so that a palette's transparency is dropped as alpha.
        arr = np.asarray(mask.convert('RGBA'))[..., :3]
    elif mask.mode in ('1', 'L', 'RGB', 'F') + HIGH_BIT_MODES:
        arr = np.asarray(mask)
    else:
        # e.g. CMYK/YCbCr, where black is not stored as zeros.
        arr = np.asarray(mask.convert('RGB'))
    if arr.ndim == 3:
        arr = arr.any(axis=2)
    return (arr != 0).astype(np.uint8)


def resize_mask_keep_targets(mask: np.ndarray,
                             size_hw: Tuple[int, int]) -> Tuple[np.ndarray,
                                                                int]:
    """Resize a 0/1 mask with nearest neighbour without losing targets.

    Nearest-neighbour sampling keeps the labels binary, but when shrinking
    it can skip every pixel of a target of one or two pixels. Each connected
    target (8-connectivity) that nearest sampling erases is put back with
    area interpolation (any output pixel it overlaps becomes target), so
    no target disappears silently while the others keep their exact shape.

    Args:
        mask (np.ndarray): H×W array of 0/1 (any nonzero counts as 1).
        size_hw (tuple[int, int]): Output (height, width).

    Returns:
        tuple[np.ndarray, int]: The resized H'×W' uint8 0/1 mask and the
        number of targets restored with area interpolation.
    """
    height, width = size_hw
    mask = (np.asarray(mask) != 0).astype(np.uint8)
    if mask.shape[:2] == (height, width):
        return mask, 0
    num_labels, labels = cv2.connectedComponents(mask, connectivity=8)
    resized_labels = cv2.resize(
        labels, (width, height), interpolation=cv2.INTER_NEAREST)
    resized = (resized_labels > 0).astype(np.uint8)
    lost = np.setdiff1d(
        np.arange(1, num_labels), np.unique(resized_labels))
    if lost.size:
        lost_pixels = np.isin(labels, lost).astype(np.float32)
        area = cv2.resize(
            lost_pixels, (width, height), interpolation=cv2.INTER_AREA)
        resized[area > 0] = 1
    return resized, int(lost.size)


def fit_mask_to_image(mask: np.ndarray, image_hw: Tuple[int, int],
                      mask_path: str) -> Tuple[np.ndarray, Optional[str]]:
    """Resize a 0/1 mask to its image's size if they differ.

    Args:
        mask (np.ndarray): H×W 0/1 mask.
        image_hw (tuple[int, int]): (height, width) of the image.
        mask_path (str): Mask file name, used in the message.

    Returns:
        tuple[np.ndarray, str | None]: The mask at the image size and a
        warning message describing the resize, or None if none was needed.
    """
    image_hw = (int(image_hw[0]), int(image_hw[1]))
    if mask.shape[:2] == image_hw:
        return mask, None
    resized, restored = resize_mask_keep_targets(mask, image_hw)
    msg = (f'mask {mask_path} is {mask.shape[1]}x{mask.shape[0]} (WxH) but '
           f'its image is {image_hw[1]}x{image_hw[0]}; resized the mask to '
           'the image with nearest-neighbour interpolation')
    if restored:
        msg += (f'; {restored} target(s) that nearest-neighbour would have '
                'erased were kept with area interpolation')
    return resized, msg


@TRANSFORMS.register_module()
class LoadIRImageFromFile(BaseTransform):
    """Load an infrared image of any common PIL mode.

    Handles L, RGB, RGBA, P (palette → RGB), 1, LA and 16-bit (I;16, I)
    images, which occur in IRSTD releases (NUAA-SIRST mixes L, RGB and P).
    Colour images come out in RGB order, as DNANet's ``convert('RGB')``;
    a data preprocessor must therefore not swap channels
    (``bgr_to_rgb=False``).

    16-bit images are mapped to [0, 255] as float32. The default 'full'
    mapping (value·255/65535) is the same linear map for every frame, so
    absolute radiometry stays comparable across frames and a frame with a
    hot target is not rescaled differently from one without; 'minmax'
    stretches each frame to its own range, which helps when the sensor only
    uses a small part of the 16-bit range.

    Required Keys:

    - img_path

    Added Keys:

    - img
    - img_shape
    - ori_shape

    Args:
        color_type (str): 'color' gives H×W×3 RGB (grayscale replicated).
            'grayscale' gives a 2-D H×W array rather than H×W×1, because
            cv2-based transforms drop a trailing singleton channel anyway
            and ``PackSegInputs`` adds the channel axis back. Defaults to
            'color'.
        to_float32 (bool): Return float32 for 8-bit images too. Defaults to
            False.
        high_bit_scale (str): 'full' or 'minmax', see above. Defaults to
            'full'.
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.
    """

    def __init__(self,
                 color_type: str = 'color',
                 to_float32: bool = False,
                 high_bit_scale: str = 'full',
                 backend_args: Optional[dict] = None) -> None:
        if color_type not in COLOR_TYPES:
            raise ValueError(f'color_type must be one of {COLOR_TYPES}, '
                             f'got {color_type!r}')
        if high_bit_scale not in HIGH_BIT_SCALES:
            raise ValueError(
                f'high_bit_scale must be one of {HIGH_BIT_SCALES}, '
                f'got {high_bit_scale!r}')
        self.color_type = color_type
        self.to_float32 = to_float32
        self.high_bit_scale = high_bit_scale
        self.backend_args = backend_args.copy() if backend_args else None

    def transform(self, results: dict) -> dict:
        """Load the image at ``results['img_path']``.

        Args:
            results (dict): Result dict with ``img_path``.

        Returns:
            dict: ``results`` with ``img``, ``img_shape`` and ``ori_shape``.
        """
        path = results['img_path']
        pil_img = load_pil_image(path, self.backend_args, kind='image')
        self._check_decoded(pil_img, results)
        img = pil_to_array(pil_img, self.color_type, self.high_bit_scale,
                           path)
        if self.to_float32:
            img = img.astype(np.float32)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def _check_decoded(self, image: Image.Image, results: dict) -> None:
        """Hook on the decoded file before conversion (nothing here).

        Args:
            image (PIL.Image.Image): The decoded file, in its stored mode.
            results (dict): The transform's results.
        """

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f"color_type='{self.color_type}', "
                f'to_float32={self.to_float32}, '
                f"high_bit_scale='{self.high_bit_scale}', "
                f'backend_args={self.backend_args})')


@TRANSFORMS.register_module()
class LoadBinaryAnnotations(BaseTransform):
    """Load a target mask as a 0/1 semantic segmentation map.

    Whatever the mask holds (0/255 L, 0/1, 1-bit, RGB), any nonzero value
    is target, and a palette mask is read by its colours (non-black is
    target, whatever the palette index; see :func:`binarize_mask`), so
    255 never reaches
    mmseg's ``ignore_index`` and the map has exactly the two classes
    background = 0 and target = 1. A data info asking for
    ``reduce_zero_label`` or a ``label_map`` (changed classes) is refused:
    on a map that is binary by construction they would turn all background
    or all targets into ignored pixels. An all-zero mask is valid (a frame
    without targets).

    If the mask size differs from the original image size
    (``results['ori_shape']``, else ``img_shape``), the mask is resized to
    the image with nearest-neighbour interpolation and a warning names the
    file and both sizes (NUAA-SIRST's Misc_111 mask is 592×400 for a
    325×220 image). Targets that nearest sampling would erase are kept with
    area interpolation (see :func:`resize_mask_keep_targets`). The original
    shape is used rather than ``img_shape`` because mmseg test pipelines
    load annotations after ``Resize`` and evaluate at the original size.

    A mask of which more than half is target is almost certainly inverted
    (background stored as nonzero / non-black): it is used as it is, and a
    warning names the file and the target fraction, once per file for each
    instance of the transform (so once per data loader worker).

    Required Keys:

    - seg_map_path
    - seg_fields (created if absent)

    Added Keys:

    - gt_seg_map (np.uint8, H×W, values 0/1)

    Args:
        backend_args (dict, optional): mmengine file backend arguments.
            Defaults to None.
    """

    def __init__(self, backend_args: Optional[dict] = None) -> None:
        self.backend_args = backend_args.copy() if backend_args else None
        # Masks already warned about as mostly target: every epoch loads
        # them again, and one warning per file is enough.
        self._warned_majority: Set[str] = set()

    def transform(self, results: dict) -> dict:
        """Load and binarise the mask at ``results['seg_map_path']``.

        Args:
            results (dict): Result dict with ``seg_map_path``.

        Returns:
            dict: ``results`` with ``gt_seg_map`` added to ``seg_fields``.
        """
        path = results['seg_map_path']
        if results.get('reduce_zero_label') or results.get('label_map'):
            raise ValueError(
                'LoadBinaryAnnotations produces 0/1 masks and cannot apply '
                '`reduce_zero_label` or a `label_map`; build the dataset '
                "with reduce_zero_label=False and classes ('background', "
                "'target').")
        mask = binarize_mask(load_pil_image(path, self.backend_args, 'mask'))
        image_hw = results.get('ori_shape', results.get('img_shape'))
        if image_hw is not None:
            mask, msg = fit_mask_to_image(mask, image_hw[:2], path)
            if msg is not None:
                warnings.warn(msg, stacklevel=2)
        self._warn_if_mostly_target(mask, path)
        results['gt_seg_map'] = mask
        results.setdefault('seg_fields', []).append('gt_seg_map')
        return results

    def _warn_if_mostly_target(self, mask: np.ndarray, path: str) -> None:
        """Warn once about a mask of which more than half is target."""
        fraction = float(mask.mean()) if mask.size else 0.0
        if fraction <= MAX_TARGET_FRACTION or path in self._warned_majority:
            return
        self._warned_majority.add(path)
        warnings.warn(
            f'mask {path}: {fraction:.1%} of its pixels are target, more '
            f'than {MAX_TARGET_FRACTION:.0%}; small-target masks are mostly '
            'background, so this one is probably inverted (background must '
            'be 0 / black, targets nonzero / non-black). Invert the mask '
            'file, or check how it was exported.',
            stacklevel=3)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'backend_args={self.backend_args})')
