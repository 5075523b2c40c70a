"""Convert the official SIRST-v2 release to the common SIRST layout.

Usage:
    python tools/dataset_converters/sirst_v2.py /path/to/open-sirst-v2 \
        -o data/SIRST-v2 --nproc 4

The release (``YimianDai/open-sirst-v2``) stores 1024 frames in two
folders, ``images/targets/<id>.png`` (514 with targets) and
``images/backgrounds/<id>.png`` (510 background-only), their masks as
``annotations/masks/<id>_pixels0.png`` and id lists in ``splits/*.txt``
(``trainval_full.txt`` 768 / ``test_full.txt`` 256, and others). Its
``mixed/`` folder repeats all frames and is not read. The output is the
layout every IRSTD code base reads::

    out_dir/images/<id>.png     # copied unchanged; the loader reads any mode
    out_dir/masks/<id>.png      # L mode, 0/255, at the image's size
    out_dir/splits/*.txt        # copied

Background frames: the release ships an all-zero mask for each; a copy
without some of them still converts, and a background frame without a
mask file gets an all-zero mask (the frame holds no target, so its mask
is empty by definition). A frame under ``images/targets/`` without a mask
is an error, as it would teach the network that its target is
background. Two contradictions are converted and reported: a target
frame with an empty mask (kept empty) and a background frame whose mask
holds targets (the mask is the annotation, and is kept).

Masks are binarised and resized with the training pipeline's functions,
as in ``sirst.py`` (NUAA-SIRST, whose 427 frames SIRST-v2 includes). The
output folder must be new or empty unless ``--overwrite``.
"""
import argparse
import shutil
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
from mmengine.utils import track_parallel_progress, track_progress

from mmdsad.datasets.conversion import (
    check_out_dir,
    listing,
    natural_key,
    read_split_ids,
    save_binary_mask,
)
from mmdsad.datasets.transforms.loading import (
    binarize_mask,
    fit_mask_to_image,
    load_pil_image,
)

IMG_SUFFIX = '.png'
SRC_MASK_SUFFIX = '_pixels0.png'
FRAME_DIRS = ('targets', 'backgrounds')
MASK_DIR = Path('annotations', 'masks')
SPLIT_DIR = 'splits'
# The split the SIRST-v2 configs train and test on.
REQUIRED_SPLITS = ('trainval_full.txt', 'test_full.txt')
# (id, image path, mask path or None, 'targets' or 'backgrounds')
Frame = Tuple[str, str, Optional[str], str]


def collect_frames(src: Path) -> List[Frame]:
    """Find every frame of the release and its ``_pixels0`` mask.

    Args:
        src (Path): Release root holding ``images/targets``,
            ``images/backgrounds`` and ``annotations/masks``.

    Returns:
        list[tuple]: (id, image path, mask path or None, frame folder),
        naturally sorted by id; the mask is None only for a background
        frame without a mask file.

    Raises:
        FileNotFoundError: ``src`` or one of its folders is missing, there
            is no image, or a target frame has no mask.
        ValueError: An id is in both frame folders.
    """
    if not src.is_dir():
        raise FileNotFoundError(
            f'SIRST-v2 release not found: {src}. Pass the folder that holds '
            'images/targets, images/backgrounds and annotations/masks.')
    for sub in [Path('images', d) for d in FRAME_DIRS] + [MASK_DIR]:
        if not (src / sub).is_dir():
            raise FileNotFoundError(
                f'{src / sub} not found; {src} does not look like the '
                'SIRST-v2 release (expected images/targets, '
                'images/backgrounds and annotations/masks).')
    found: Dict[str, Tuple[str, str]] = {}
    both = []
    for kind in FRAME_DIRS:
        for img in (src / 'images' / kind).glob(f'*{IMG_SUFFIX}'):
            if img.stem in found:
                both.append(img.stem)
            found[img.stem] = (str(img), kind)
    if both:
        raise ValueError(
            f'{len(both)} id(s) are in both images/targets and '
            f'images/backgrounds: {listing(sorted(both))}. Keep each frame '
            'in one folder.')
    if not found:
        raise FileNotFoundError(
            f'no *{IMG_SUFFIX} image in {src / "images"}/targets or '
            'backgrounds; is this the SIRST-v2 release?')
    frames, missing = [], []
    for img_id in sorted(found, key=natural_key):
        img_path, kind = found[img_id]
        mask = src / MASK_DIR / f'{img_id}{SRC_MASK_SUFFIX}'
        if mask.is_file():
            frames.append((img_id, img_path, str(mask), kind))
        elif kind == 'backgrounds':
            frames.append((img_id, img_path, None, kind))
        else:
            missing.append(f'{img_id} (expected {mask})')
    if missing:
        raise FileNotFoundError(
            f'{len(missing)} frame(s) in images/targets have no '
            f'{SRC_MASK_SUFFIX} mask: {listing(missing)}. Restore the masks, '
            'or move frames without targets to images/backgrounds.')
    return frames


def convert_frame(task: Tuple[Frame, str]) -> Dict[str, Optional[str]]:
    """Copy one frame and write its 0/255 mask at the image's size.

    Args:
        task (tuple): The frame (see :func:`collect_frames`) and the
            output root.

    Returns:
        dict: ``id``, ``resized`` (a message if the mask was resized),
        ``note`` ('empty_target', 'background_target', 'no_mask' or
        None).
    """
    (img_id, img_path, mask_path, kind), out_dir = task
    # Decoding (not only copying) catches a corrupt image here, not in
    # the middle of a training run.
    width, height = load_pil_image(img_path, kind='image').size
    resized = None
    if mask_path is None:
        mask, note = np.zeros((height, width), np.uint8), 'no_mask'
    else:
        mask = binarize_mask(load_pil_image(mask_path, kind='mask'))
        mask, resized = fit_mask_to_image(mask, (height, width), mask_path)
        note = None
        if kind == 'targets' and not mask.any():
            note = 'empty_target'
        elif kind == 'backgrounds' and mask.any():
            note = 'background_target'
    shutil.copyfile(img_path, Path(out_dir, 'images', img_id + IMG_SUFFIX))
    save_binary_mask(mask, Path(out_dir, 'masks', img_id + IMG_SUFFIX))
    return dict(id=img_id, resized=resized, note=note)


def copy_splits(src: Path, out_dir: Path,
                known_ids: List[str]) -> Tuple[List[str], List[str]]:
    """Copy ``splits/*.txt``, checking their ids.

    Args:
        src (Path): Release root.
        out_dir (Path): Output root.
        known_ids (list[str]): Ids of the converted frames.

    Returns:
        tuple[list[str], list[str]]: Names of the copied split files and
        warnings (ids without frame, a missing required split).
    """
    known = set(known_ids)
    split_files = sorted((src / SPLIT_DIR).glob('*.txt'))
    warns = []
    if split_files:
        (out_dir / SPLIT_DIR).mkdir(parents=True, exist_ok=True)
    for split_file in split_files:
        shutil.copyfile(split_file, out_dir / SPLIT_DIR / split_file.name)
        unknown = [i for i in read_split_ids(split_file) if i not in known]
        if unknown:
            warns.append(f'{split_file} lists {len(unknown)} id(s) without '
                         f'frame: {listing(unknown)}')
    names = [f.name for f in split_files]
    for required in REQUIRED_SPLITS:
        if required not in names:
            warns.append(
                f'{src / SPLIT_DIR / required} not found: the SIRST-v2 '
                f'configs train on {SPLIT_DIR}/{REQUIRED_SPLITS[0]} and test '
                f'on {SPLIT_DIR}/{REQUIRED_SPLITS[1]}; copy them from the '
                'release.')
    return names, warns


def convert(src: str,
            out_dir: str,
            nproc: int = 1,
            overwrite: bool = False) -> Dict:
    """Convert a SIRST-v2 release into the common layout.

    Args:
        src (str): Release root.
        out_dir (str): Output root; created if needed, and refused if it
            is not empty unless ``overwrite``.
        nproc (int): Worker processes. Defaults to 1.
        overwrite (bool): Write into a non-empty ``out_dir``, replacing
            files of the same names. Defaults to False.

    Returns:
        dict: ``num_images``, ``num_backgrounds``, ``resized`` (messages),
        ``no_mask``, ``empty_target`` and ``background_target`` (ids, see
        the module docstring), ``splits`` and ``warnings``.

    Raises:
        ValueError: ``out_dir`` is the release itself, or an id is in both
            frame folders.
        FileExistsError: ``out_dir`` is not empty and ``overwrite`` is
            False.
        FileNotFoundError: The release is missing or incomplete.
    """
    src_path, out_path = Path(src), Path(out_dir)
    if src_path.exists() and out_path.resolve() == src_path.resolve():
        raise ValueError(
            f'--out-dir {out_dir} is the release itself; choose another '
            'folder so the release stays unmodified.')
    check_out_dir(out_path, overwrite)
    frames = collect_frames(src_path)
    for sub in ('images', 'masks'):
        (out_path / sub).mkdir(parents=True, exist_ok=True)
    tasks = [(frame, str(out_path)) for frame in frames]
    if nproc > 1:
        results = track_parallel_progress(convert_frame, tasks, nproc)
    else:
        results = track_progress(convert_frame, tasks)
    splits, warns = copy_splits(src_path, out_path, [f[0] for f in frames])
    summary = dict(
        num_images=len(frames),
        num_backgrounds=sum(f[3] == 'backgrounds' for f in frames),
        resized=[r['resized'] for r in results if r['resized']],
        splits=splits,
        warnings=warns)
    for note in ('no_mask', 'empty_target', 'background_target'):
        summary[note] = [r['id'] for r in results if r['note'] == note]
    return summary


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Convert the official SIRST-v2 release to the '
        'images/ + masks/ (0/255) layout.')
    parser.add_argument(
        'src', help='release root (holds images/, annotations/, splits/)')
    parser.add_argument(
        '-o', '--out-dir', required=True, help='output dataset root')
    parser.add_argument(
        '--nproc', type=int, default=1, help='worker processes')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='write into a non-empty --out-dir, replacing same-named files')
    args = parser.parse_args(argv)
    if args.nproc < 1:
        parser.error('--nproc must be >= 1')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    """Run the conversion and print a summary.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.
    """
    args = parse_args(argv)
    summary = convert(args.src, args.out_dir, args.nproc, args.overwrite)
    print()
    for msg in summary['resized'] + summary['warnings']:
        print(f'Warning: {msg}')
    notes = dict(
        no_mask='background frame(s) without mask file got an empty mask',
        empty_target='frame(s) in images/targets have an empty mask (kept '
        'empty; check their annotation)',
        background_target='frame(s) in images/backgrounds have targets in '
        'their mask (the mask is kept)')
    for key, text in notes.items():
        if summary[key]:
            prefix = 'Note' if key == 'no_mask' else 'Warning'
            print(f'{prefix}: {len(summary[key])} {text}: '
                  f'{listing(summary[key])}')
    print(f"Converted {summary['num_images']} images and masks "
          f"({summary['num_backgrounds']} background-only) into "
          f"{args.out_dir}; split files: "
          f"{', '.join(summary['splits']) or 'none'}.")


if __name__ == '__main__':
    main()
