"""Convert the official NUAA-SIRST release to the common SIRST layout.

Usage:
    python tools/dataset_converters/sirst.py ../shared/datasets/SIRST \
        -o data/NUAA-SIRST --nproc 4

The release (``YimianDai/sirst``) stores ``images/Misc_N.png`` in L, RGB or
P mode and ``masks/Misc_N_pixels0.png`` as 1-bit images (``Misc_40``'s is
0/255 L, ``Misc_111``'s has a different size than its image). The output
is the layout every IRSTD code base reads::

    out_dir/images/Misc_N.png    # copied unchanged; the loader reads any mode
    out_dir/masks/Misc_N.png     # L mode, 0/255, at the image's size
    out_dir/50_50/*.txt          # split folders copied (idx_427, idx_320 too)

Masks are binarised and resized with the same functions as the training
pipeline's ``LoadBinaryAnnotations``, so both apply one rule.

The output folder must be new or empty: converting into an existing
dataset would replace its split files and mix its images with the
release's. ``--overwrite`` writes into a non-empty folder anyway
(same-named files are replaced, others kept).
"""
import argparse
import shutil
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

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
# The split DNANet, AMFU-Net, DMFNet and DSAD train and test on.
REQUIRED_SPLIT_DIR = '50_50'
DATA_DIRS = ('images', 'masks')


def collect_pairs(src: Path) -> List[Tuple[str, str]]:
    """Find every image of the release and its ``_pixels0`` mask.

    Args:
        src (Path): Release root holding ``images/`` and ``masks/``.

    Returns:
        list[tuple[str, str]]: (image path, mask path), naturally sorted.

    Raises:
        FileNotFoundError: If ``src`` or its folders are missing, there is
            no image, or an image has no mask.
    """
    if not src.is_dir():
        raise FileNotFoundError(
            f'NUAA-SIRST release not found: {src}. Pass the folder that '
            'holds images/ and masks/ (e.g. ../shared/datasets/SIRST).')
    for sub in DATA_DIRS:
        if not (src / sub).is_dir():
            raise FileNotFoundError(
                f'{src / sub} not found; {src} does not look like the '
                'NUAA-SIRST release (expected images/ and masks/).')
    images = sorted((src / 'images').glob(f'*{IMG_SUFFIX}'),
                    key=lambda p: natural_key(p.name))
    if not images:
        raise FileNotFoundError(
            f'no *{IMG_SUFFIX} image in {src / "images"}; is this the '
            'NUAA-SIRST release?')
    pairs, missing = [], []
    for img in images:
        mask = src / 'masks' / f'{img.stem}{SRC_MASK_SUFFIX}'
        if mask.is_file():
            pairs.append((str(img), str(mask)))
        else:
            missing.append(f'{img.name} (expected {mask})')
    if missing:
        raise FileNotFoundError(
            f'{len(missing)} image(s) have no {SRC_MASK_SUFFIX} mask: '
            f'{listing(missing)}. Restore the masks or remove the images.')
    return pairs


def convert_pair(task: Tuple[str, str, str]) -> Optional[str]:
    """Copy one image and write its 0/255 mask at the image's size.

    Args:
        task (tuple[str, str, str]): Image path, mask path, output root.

    Returns:
        str | None: A warning if the mask had to be resized, else None.
    """
    img_path, mask_path, out_dir = task
    stem = Path(img_path).stem
    # Decoding (not only copying) catches a corrupt image here, not in
    # the middle of a training run.
    width, height = load_pil_image(img_path, kind='image').size
    mask = binarize_mask(load_pil_image(mask_path, kind='mask'))
    mask, msg = fit_mask_to_image(mask, (height, width), mask_path)
    shutil.copyfile(img_path, Path(out_dir, 'images', stem + IMG_SUFFIX))
    save_binary_mask(mask, Path(out_dir, 'masks', stem + IMG_SUFFIX))
    return msg


def copy_splits(src: Path, out_dir: Path,
                known_ids: Sequence[str]) -> Tuple[List[str], List[str]]:
    """Copy every split folder (a sub-folder with ``*.txt`` files).

    Args:
        src (Path): Release root.
        out_dir (Path): Output root.
        known_ids (Sequence[str]): Ids of the converted images.

    Returns:
        tuple[list[str], list[str]]: Names of the copied split folders and
        warnings (a missing 50_50 split, ids without image).
    """
    known = set(known_ids)
    copied, warns = [], []
    for split_dir in sorted(p for p in src.iterdir() if p.is_dir()):
        if split_dir.name in DATA_DIRS:
            continue
        split_files = sorted(split_dir.glob('*.txt'))
        if not split_files:
            continue
        (out_dir / split_dir.name).mkdir(parents=True, exist_ok=True)
        for split_file in split_files:
            shutil.copyfile(split_file,
                            out_dir / split_dir.name / split_file.name)
            unknown = [i for i in read_split_ids(split_file) if i not in known]
            if unknown:
                warns.append(f'{split_file} lists {len(unknown)} id(s) '
                             f'without image: {listing(unknown)}')
        copied.append(split_dir.name)
    if REQUIRED_SPLIT_DIR not in copied:
        warns.append(
            f'{src / REQUIRED_SPLIT_DIR} not found: the configs train and '
            f'test on {REQUIRED_SPLIT_DIR}/train.txt and test.txt (DNANet\'s '
            'split); copy them from the DNANet release into '
            f'{out_dir / REQUIRED_SPLIT_DIR}.')
    return copied, warns


def convert(src: str,
            out_dir: str,
            nproc: int = 1,
            overwrite: bool = False) -> Dict:
    """Convert a NUAA-SIRST release into the common layout.

    Args:
        src (str): Release root.
        out_dir (str): Output root; created if needed, and refused if it
            is not empty unless ``overwrite``.
        nproc (int): Worker processes. Defaults to 1.
        overwrite (bool): Write into a non-empty ``out_dir``, replacing
            files of the same names. Defaults to False.

    Returns:
        dict: ``num_images``, ``resized`` (warnings for resized masks),
        ``splits`` (copied split folders) and ``warnings`` (other issues).

    Raises:
        ValueError: ``out_dir`` is the release itself.
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
    pairs = collect_pairs(src_path)
    for sub in DATA_DIRS:
        (out_path / sub).mkdir(parents=True, exist_ok=True)
    tasks = [(img, mask, str(out_path)) for img, mask in pairs]
    if nproc > 1:
        results = track_parallel_progress(convert_pair, tasks, nproc)
    else:
        results = track_progress(convert_pair, tasks)
    ids = [Path(img).stem for img, _ in pairs]
    splits, warns = copy_splits(src_path, out_path, ids)
    return dict(
        num_images=len(pairs),
        resized=[msg for msg in results if msg],
        splits=splits,
        warnings=warns)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; None reads ``sys.argv``.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Convert the official NUAA-SIRST release to the '
        'images/ + masks/ (0/255) layout.')
    parser.add_argument('src', help='release root (holds images/, masks/)')
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
    print(f"Converted {summary['num_images']} images and masks into "
          f"{args.out_dir}; split folders: "
          f"{', '.join(summary['splits']) or 'none'}.")


if __name__ == '__main__':
    main()
