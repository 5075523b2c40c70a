"""Score a folder of predictions against a folder of masks (no network run).

The predictions may be probability maps or binary masks: 8- or 16-bit PNG
(or BMP / TIFF), scaled to [0, 1] by 255 or 65535 (an image holding only 0
and 1 is a 0/1 mask), or ``.npy`` arrays (float in [0, 1], bool, 0/1
integers, or uint8 / uint16 scaled as the images). A pixel is target where
the value exceeds ``--threshold`` (0.5), as in ``tools/test.py``; the masks
are read as the test pipeline reads them (any nonzero or non-black pixel is
target). The scores come from the same evaluator (``IRSTDMetric``) with the
same options, under any protocol, so the binary masks that
``tools/infer.py`` writes score as ``tools/test.py`` scores the model that
wrote them.

Files are paired by name without extension: ``a.png``, ``a.npy`` and
``tools/infer.py``'s ``a.png.png`` are all predictions for mask ``a.png``
(``a.bmp``, ...). Every prediction without a mask, mask without a
prediction (within ``--ids``, when given), name given twice, unreadable file
and prediction of another size than its mask is listed, and only the rest
is scored; the exit status is then 1 unless ``--allow-unmatched``.

Example:
    python tools/infer.py configs/dnanet/dnanet_num4_nudt.py student.pth \
        data/NUDT-SIRST/images --out-dir work_dirs/infer
    python tools/analysis_tools/eval_predictions.py work_dirs/infer/masks \
        data/NUDT-SIRST/masks --ids data/NUDT-SIRST/50_50/test.txt \
        --protocol basicirstd --out metrics.json
"""
import argparse
import os
import os.path as osp
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np

from mmdsad.datasets.transforms.loading import (
    binarize_mask,
    fit_mask_to_image,
    load_pil_image,
)
from mmdsad.evaluation.functional import NIOU_EMPTY_RULES, PROTOCOLS
from mmdsad.evaluation.metrics.irstd_metric import IRSTDMetric
from mmdsad.utils.json_files import write_json_atomically

PREDICTION_EXTENSIONS = ('.png', '.npy', '.bmp', '.tif', '.tiff')
MASK_EXTENSIONS = ('.png', '.bmp', '.tif', '.tiff', '.jpg', '.jpeg', '.gif')
# A second extension that tools/infer.py's names carry (``a.jpg.png``).
FRAME_EXTENSIONS = ('.png', '.bmp', '.tif', '.tiff', '.jpg', '.jpeg',
                    '.gif', '.npy')
INTEGER_SCALES = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0}


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Score prediction files (probability maps or binary '
        'masks) against mask files with the IRSTD evaluator')
    parser.add_argument('pred_dir', help='folder of predictions')
    parser.add_argument('gt_dir', help='folder of ground-truth masks')
    parser.add_argument(
        '--ids',
        help='file listing the mask names to score, one per line (e.g. '
        'data/NUDT-SIRST/50_50/test.txt); masks not listed are ignored')
    parser.add_argument(
        '--protocol',
        choices=PROTOCOLS,
        default='basicirstd',
        help='how Pd and Fa count (default: basicirstd)')
    parser.add_argument(
        '--threshold',
        type=float,
        default=0.5,
        help='a pixel is target above it (default: 0.5)')
    parser.add_argument(
        '--thresholds',
        type=float,
        nargs='+',
        help='extra thresholds, reported as IoU@t, Pd@t, ... (for '
        'plot_roc.py and plot_threshold_metrics.py)')
    parser.add_argument(
        '--match-distance',
        type=float,
        default=3.0,
        help='centroid distance (px, strict) of the matching protocols')
    parser.add_argument(
        '--niou-empty',
        choices=NIOU_EMPTY_RULES,
        default='zero',
        help="images without a target in nIoU: 'zero' (count, score 0) "
        "or 'skip'")
    parser.add_argument('--hse', action='store_true', help='also report HSE')
    parser.add_argument(
        '--fit-masks',
        action='store_true',
        help='resize a mask of another size than its prediction to the '
        "prediction's size (the test pipeline's rule for a mask that "
        'differs from its image) instead of skipping the pair')
    parser.add_argument(
        '--allow-unmatched',
        action='store_true',
        help='exit 0 even when files were unmatched, unreadable or '
        'mis-sized (they are listed and left out either way)')
    parser.add_argument(
        '--out', help='write the metrics to this JSON file (a new file)')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace an existing --out file')
    return parser.parse_args(argv)


def pairing_key(name: str, prediction: bool) -> str:
    """The name a prediction and its mask share.

    The extension is dropped; a prediction's second extension too when it
    is an image's (``a.png.png`` and ``a.jpg.npy`` give ``a``).

    Args:
        name (str): File name.
        prediction (bool): Whether the file is a prediction.

    Returns:
        str: The key.
    """
    stem, _ = osp.splitext(name)
    if prediction:
        inner, extension = osp.splitext(stem)
        if inner and extension.lower() in FRAME_EXTENSIONS:
            stem = inner
    return stem


def _as_probability(array: np.ndarray, what: str) -> np.ndarray:
    """Map a 2-D array of a supported dtype to float32 in [0, 1]."""
    if array.dtype == np.bool_:
        return array.astype(np.float32)
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise ValueError(f'{what} holds NaN or infinite values')
        low, high = float(array.min()), float(array.max())
        if low < 0 or high > 1:
            raise ValueError(f'{what} holds values in [{low:g}, {high:g}]; '
                             'a probability map must lie in [0, 1]')
        return array.astype(np.float32)
    if np.issubdtype(array.dtype, np.integer):
        values = np.unique(array)
        if np.isin(values, (0, 1)).all():
            return array.astype(np.float32)  # a 0/1 mask
        scale = INTEGER_SCALES.get(array.dtype)
        if scale is None:
            raise ValueError(
                f'{what} is {array.dtype} with values other than 0 and 1; '
                'use uint8 (0-255), uint16 (0-65535), bool or float in '
                '[0, 1]')
        return array.astype(np.float32) / np.float32(scale)
    raise ValueError(f'{what} has unsupported dtype {array.dtype}')


def read_prediction(path: str) -> np.ndarray:
    """Read a prediction file as an (H, W) float32 map in [0, 1].

    Args:
        path (str): A ``.npy`` array or an image file.

    Returns:
        np.ndarray: The map.

    Raises:
        ValueError: The file cannot be read, or is not one grey map.
    """
    if path.lower().endswith('.npy'):
        try:
            array = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as error:
            raise ValueError(f'not a readable .npy array ({error})'
                             ) from error
        if array.ndim == 3 and array.shape[0] == 1:
            array = array[0]  # (1, H, W), as a segmentor's output
        elif array.ndim == 3 and array.shape[-1] == 1:
            array = array[..., 0]
    else:
        array = cv2.imread(path, cv2.IMREAD_UNCHANGED)
        if array is None:
            raise ValueError('not a readable image')
        if array.ndim == 3:
            if array.shape[2] == 4:
                array = array[..., :3]
            if not all(
                    np.array_equal(array[..., 0], array[..., c])
                    for c in range(1, array.shape[2])):
                raise ValueError('a colour image; a prediction is one grey '
                                 'map')
            array = array[..., 0]
    if array.ndim != 2:
        raise ValueError(f'shape {array.shape}; a prediction is an (H, W) '
                         'map')
    if array.size == 0:
        raise ValueError('an empty map')
    return _as_probability(array, 'the prediction')


def read_mask(path: str) -> np.ndarray:
    """Read a mask as the test pipeline does: (H, W) uint8 0/1."""
    return binarize_mask(load_pil_image(path, kind='mask'))


@dataclass
class Pairing:
    """The prediction-mask pairs to score, and every file left out."""

    pairs: List[Tuple[str, str, str]] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)


def _files_by_key(folder: str, extensions: Tuple[str, ...],
                  prediction: bool, what: str,
                  problems: List[str]) -> Dict[str, str]:
    """Files of a folder by pairing key; a key given twice is a problem."""
    by_key: Dict[str, List[str]] = {}
    for name in sorted(os.listdir(folder)):
        path = osp.join(folder, name)
        if not osp.isfile(path) or not name.lower().endswith(extensions):
            continue
        by_key.setdefault(pairing_key(name, prediction), []).append(name)
    unique = {}
    for key, names in by_key.items():
        if len(names) > 1:
            problems.append(f'{what}s {", ".join(names)} in {folder} all '
                            f"pair with '{key}': none of them is scored")
        else:
            unique[key] = osp.join(folder, names[0])
    return unique


def read_ids(path: str) -> List[str]:
    """Names listed one per line (blank lines skipped; an extension, if
    any, is dropped)."""
    with open(path, encoding='utf-8') as file:
        names = [line.strip() for line in file if line.strip()]
    return [pairing_key(name, False) if name.lower().endswith(
        MASK_EXTENSIONS) else name for name in names]


def pair_files(pred_dir: str,
               gt_dir: str,
               ids: Optional[List[str]] = None) -> Pairing:
    """Pair predictions and masks by name.

    Args:
        pred_dir (str): Folder of predictions.
        gt_dir (str): Folder of masks.
        ids (list[str], optional): The mask names to score, in this order;
            None scores every mask, in name order.

    Returns:
        Pairing: ``(key, prediction path, mask path)`` per pair, and one
        line per file left out.
    """
    for folder in (pred_dir, gt_dir):
        if not osp.isdir(folder):
            raise SystemExit(f'{folder} is not a folder')
    pairing = Pairing()
    predictions = _files_by_key(pred_dir, PREDICTION_EXTENSIONS, True,
                                'prediction', pairing.problems)
    masks = _files_by_key(gt_dir, MASK_EXTENSIONS, False, 'mask',
                          pairing.problems)
    for folder, found, what in ((pred_dir, predictions, 'prediction'),
                                (gt_dir, masks, 'mask')):
        if not found and osp.isdir(osp.join(folder, 'masks')):
            raise SystemExit(f'{folder} holds no {what} files; did you mean '
                             f"{osp.join(folder, 'masks')}?")
    if ids is None:
        wanted = sorted(masks)
    else:
        wanted = list(dict.fromkeys(ids))
        for key in wanted:
            if key not in masks:
                pairing.problems.append(f"'{key}' (--ids) has no mask in "
                                        f'{gt_dir}')
    for key in wanted:
        if key not in masks:
            continue
        if key in predictions:
            pairing.pairs.append((key, predictions[key], masks[key]))
        else:
            pairing.problems.append(f'mask {osp.basename(masks[key])} has '
                                    f'no prediction in {pred_dir}')
    scope = set(wanted)
    for key, path in predictions.items():
        if key not in masks:
            pairing.problems.append(f'prediction {osp.basename(path)} has '
                                    f'no mask in {gt_dir}')
        elif key not in scope:
            pairing.problems.append(f'prediction {osp.basename(path)}: its '
                                    'mask is not in --ids')
    return pairing


def sample(prob: np.ndarray, gt: np.ndarray) -> dict:
    """A data sample as mmengine's evaluator passes it to IRSTDMetric."""
    return {
        'seg_logits': {
            'data': prob[None]
        },
        'gt_sem_seg': {
            'data': gt[None]
        }
    }


def score(pairing: Pairing, metric: IRSTDMetric,
          fit_masks: bool) -> Tuple[int, List[str], List[str]]:
    """Feed every readable, same-size pair to the metric.

    Returns:
        tuple[int, list[str], list[str]]: The number of pairs scored, the
        pairs left out and why, and the masks fitted to their prediction.
    """
    left_out, fitted = [], []
    scored = 0
    for _, pred_path, mask_path in pairing.pairs:
        try:
            prob = read_prediction(pred_path)
        except ValueError as error:
            left_out.append(f'prediction {osp.basename(pred_path)} is '
                            f'unreadable: {error}')
            continue
        try:
            gt = read_mask(mask_path)
        except OSError as error:
            left_out.append(f'mask {osp.basename(mask_path)}: {error}')
            continue
        if prob.shape != gt.shape:
            sizes = (f'prediction {osp.basename(pred_path)} is '
                     f'{prob.shape[1]}x{prob.shape[0]} (WxH), mask '
                     f'{osp.basename(mask_path)} {gt.shape[1]}x'
                     f'{gt.shape[0]}')
            if not fit_masks:
                left_out.append(f'{sizes}: not scored (--fit-masks resizes '
                                'the mask)')
                continue
            gt, _ = fit_mask_to_image(gt, prob.shape, mask_path)
            fitted.append(f'{sizes}: mask resized to the prediction')
        metric.process({}, [sample(prob, gt)])
        scored += 1
    return scored, left_out, fitted


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.out and osp.exists(args.out) and not args.overwrite:
        raise SystemExit(f'--out {args.out} exists; choose another file or '
                         'pass --overwrite')
    try:
        metric = IRSTDMetric(
            threshold=args.threshold,
            match_distance=args.match_distance,
            thresholds=args.thresholds,
            hse=args.hse,
            protocol=args.protocol,
            niou_empty=args.niou_empty,
            prefix='eval_predictions')
    except ValueError as error:
        raise SystemExit(str(error)) from error
    pairing = pair_files(args.pred_dir, args.gt_dir,
                         read_ids(args.ids) if args.ids else None)
    scored, left_out, fitted = score(pairing, metric, args.fit_masks)
    problems = pairing.problems + left_out
    for line in problems:
        print(f'left out: {line}', file=sys.stderr)
    for line in fitted:
        print(f'fitted: {line}', file=sys.stderr)
    if scored == 0:
        raise SystemExit(f'no prediction could be scored against {args.gt_dir}'
                         f' ({len(problems)} problems listed above)')
    metrics = {
        key.split('/', 1)[1]: value
        for key, value in metric.evaluate(scored).items()
    }
    if args.out:
        write_json_atomically(args.out, metrics)
    print(f'scored {scored} of {len(pairing.pairs)} pairs under protocol '
          f"'{args.protocol}'; {len(problems)} files left out"
          + (f'; metrics in {args.out}' if args.out else ''))
    if problems and not args.allow_unmatched:
        print(f'{len(problems)} files were left out (listed above); '
              '--allow-unmatched accepts that', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
