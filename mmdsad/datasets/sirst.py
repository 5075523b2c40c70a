"""Dataset for infrared small target detection in the common SIRST layout."""
import warnings
from typing import List, Optional, Sequence, Tuple

import mmengine.fileio as fileio
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .transforms.loading import ImageDecodeError, load_pil_image
from .val_split import VAL_SPLIT_SUBSETS, carve_val_split

# How many missing files one error message lists before summarising.
MAX_LISTED_MISSING = 5


@DATASETS.register_module()
class SIRSTDataset(BaseSegDataset):
    """IRSTD dataset in the layout used by DNANet and its successors.

    One class serves every dataset (NUDT-SIRST, NUAA-SIRST after
    ``tools/dataset_converters/sirst.py``, IRSTD-1k, synthetic data); the
    config chooses ``data_root`` and the split file::

        <data_root>/images/<id><img_suffix>
        <data_root>/masks/<id><seg_map_suffix>
        <data_root>/50_50/train.txt      # one id per line, no suffix

    Blank lines and surrounding whitespace (including Windows line endings)
    in the split file are ignored. Without ``ann_file`` every image under
    the image folder is used. Every listed id is checked when the dataset
    is built, so a wrong root, suffix or split fails at once with the file
    names rather than in a data loader worker mid-epoch.

    Every image and mask is also decoded once when the dataset is built,
    so a corrupt file fails here, listed with every other corrupt file,
    rather than at the first validation. The decoder is the loading
    transforms' own (PIL, see
    :func:`~mmdsad.datasets.transforms.loading.load_pil_image`), not cv2:
    a file passes exactly when the pipeline can read it. A mask whose size
    differs from its image's is listed in one warning:
    ``LoadBinaryAnnotations`` resizes it to the image (NUAA-SIRST's release
    has one such mask), so it does not stop a run, but it is usually a sign
    of mismatched files.

    Masks may be 0/255 or 0/1; use ``LoadBinaryAnnotations`` to load them
    as 0/1 (mmseg's ``LoadAnnotations`` would keep 255, its ignore index).

    Model and hyper-parameter choices need data that is neither trained
    on nor the test split: ``val_split`` carves a validation subset from
    the ids of ``ann_file`` (see :func:`~mmdsad.datasets.val_split.
    carve_val_split`); the same ``fraction`` and ``seed`` with ``subset``
    'train' and 'val' give two disjoint datasets whose union is the split.

    Args:
        ann_file (str): Split file, relative to ``data_root`` unless
            absolute, e.g. '50_50/train.txt'. Defaults to ''.
        val_split (dict, optional): ``dict(fraction=0.2, seed=0,
            subset='train' | 'val')``: keep only the ids trained on, or
            only the held-out ones. Defaults to None (every id).
        img_suffix (str): Image file suffix. Defaults to '.png'.
        seg_map_suffix (str): Mask file suffix. Defaults to '.png'.
        reduce_zero_label (bool): Kept for mmseg compatibility; must stay
            False for binary masks. Defaults to False.
        data_prefix (dict, optional): Image and mask folders relative to
            ``data_root``. Defaults to
            ``dict(img_path='images', seg_map_path='masks')``.
        **kwargs: Other arguments of :class:`BaseSegDataset`.
    """

    METAINFO = dict(
        classes=('background', 'target'),
        palette=[[0, 0, 0], [255, 255, 255]])

    def __init__(self,
                 ann_file: str = '',
                 img_suffix: str = '.png',
                 seg_map_suffix: str = '.png',
                 reduce_zero_label: bool = False,
                 data_prefix: Optional[dict] = None,
                 val_split: Optional[dict] = None,
                 **kwargs) -> None:
        self.val_split = self._checked_val_split(val_split)
        if data_prefix is None:
            data_prefix = dict(img_path='images', seg_map_path='masks')
        super().__init__(
            ann_file=ann_file,
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            data_prefix=data_prefix,
            **kwargs)

    @staticmethod
    def _checked_val_split(val_split: Optional[dict]) -> Optional[dict]:
        """``val_split`` with its keys and subset checked."""
        if val_split is None:
            return None
        expected = {'fraction', 'seed', 'subset'}
        if set(val_split) != expected:
            raise ValueError(
                f'SIRSTDataset val_split must have exactly the keys '
                f'{sorted(expected)}, got {sorted(val_split)}; e.g. '
                "val_split=dict(fraction=0.2, seed=0, subset='val').")
        if val_split['subset'] not in VAL_SPLIT_SUBSETS:
            raise ValueError(
                f'SIRSTDataset val_split subset must be one of '
                f'{VAL_SPLIT_SUBSETS}, got {val_split["subset"]!r}')
        return dict(val_split)

    def _read_split(self) -> List[str]:
        """Read the ids of the split file, validating it."""
        split = self.ann_file
        if fileio.isdir(split, backend_args=self.backend_args):
            raise ValueError(
                f'ann_file {split} is a directory; pass a split file in it, '
                'e.g. 50_50/train.txt.')
        if not fileio.exists(split, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'split file (ann_file) not found: {split}. Pass an existing '
                'file, relative to data_root or absolute, e.g. '
                "ann_file='50_50/train.txt'.")
        # utf-8-sig drops a byte-order mark written by some Windows editors.
        text = fileio.get_text(
            split, encoding='utf-8-sig', backend_args=self.backend_args)
        ids = [line.strip() for line in text.splitlines() if line.strip()]
        if not ids:
            raise ValueError(
                f'split file {split} lists no ids (it is empty or has only '
                'blank lines); write one image id per line, without suffix.')
        return ids

    def _scan_ids(self, img_dir: str) -> List[str]:
        """List the ids of all images in ``img_dir`` (no split file)."""
        if not fileio.isdir(img_dir, backend_args=self.backend_args):
            raise FileNotFoundError(
                f'image folder not found: {img_dir}. Check data_root and '
                "data_prefix['img_path'].")
        suffix_len = len(self.img_suffix)
        ids = sorted(
            name[:-suffix_len] for name in fileio.list_dir_or_file(
                img_dir,
                list_dir=False,
                suffix=self.img_suffix,
                recursive=True,
                backend_args=self.backend_args))
        if not ids:
            raise ValueError(
                f'no *{self.img_suffix} image in {img_dir}; check '
                'img_suffix, or pass a split file as ann_file.')
        return ids

    def _missing_message(self, kind: str, missing: Sequence[tuple],
                         source: str) -> str:
        """Describe ids whose ``kind`` file is missing."""
        lines = [
            f'{len(missing)} id(s) listed in {source} have no {kind} file:'
        ]
        for img_id, path in missing[:MAX_LISTED_MISSING]:
            lines.append(f'  {img_id!r}: expected {path}')
        if len(missing) > MAX_LISTED_MISSING:
            lines.append(f'  ... and {len(missing) - MAX_LISTED_MISSING} '
                         'more')
        return '\n'.join(lines)

    def load_data_list(self) -> List[dict]:
        """Build the data list from the split file and check every file.

        Returns:
            list[dict]: One dict per id with ``img_path``, ``seg_map_path``
            (if masks are configured), ``label_map``, ``reduce_zero_label``
            and ``seg_fields``.

        Raises:
            FileNotFoundError: If the split file, an image or a mask is
                missing; the message names the files.
            ValueError: If the split file lists no ids.
            OSError: If images or masks cannot be decoded; the message
                lists all of them.
        """
        img_dir = self.data_prefix.get('img_path', '') or ''
        ann_dir = self.data_prefix.get('seg_map_path', None)
        if self.ann_file:
            ids = self._read_split()
            source = f'split file {self.ann_file}'
        else:
            ids = self._scan_ids(img_dir)
            source = f'image folder {img_dir}'
        if self.val_split is not None:
            kept, held_out = carve_val_split(ids, self.val_split['fraction'],
                                             self.val_split['seed'])
            ids = kept if self.val_split['subset'] == 'train' else held_out
            source += f' ({self.val_split["subset"]} subset of val_split)'

        data_list = []
        missing_imgs, missing_masks = [], []
        for img_id in ids:
            img_path = fileio.join_path(img_dir, img_id + self.img_suffix)
            if not fileio.exists(img_path, backend_args=self.backend_args):
                missing_imgs.append((img_id, img_path))
            data_info = dict(img_path=img_path)
            if ann_dir is not None:
                seg_map_path = fileio.join_path(
                    ann_dir, img_id + self.seg_map_suffix)
                if not fileio.exists(
                        seg_map_path, backend_args=self.backend_args):
                    missing_masks.append((img_id, seg_map_path))
                data_info['seg_map_path'] = seg_map_path
            data_info['label_map'] = self.label_map
            data_info['reduce_zero_label'] = self.reduce_zero_label
            data_info['seg_fields'] = []
            data_list.append(data_info)

        if missing_imgs or missing_masks:
            parts = []
            if missing_imgs:
                parts.append(
                    self._missing_message('image', missing_imgs, source))
            if missing_masks:
                parts.append(
                    self._missing_message('mask', missing_masks, source))
            hint = ('Check data_root, data_prefix, img_suffix and '
                    'seg_map_suffix, or remove these ids from the split.')
            if any(i.endswith(self.img_suffix) for i, _ in missing_imgs):
                hint += (' Ids must not include the suffix '
                         f'{self.img_suffix!r}.')
            raise FileNotFoundError('\n'.join(parts + [hint]))
        self._check_files(data_list, source)
        return data_list

    def _decoded_size(self, path: str, kind: str,
                      bad: List[str]) -> Optional[Tuple[int, int]]:
        """(W, H) of a decodable file; None, and listed in ``bad``, if not."""
        try:
            return load_pil_image(path, self.backend_args, kind).size
        except ImageDecodeError as error:
            bad.append(f'  {kind} {path}: {error.reason}')
            return None

    def _check_files(self, data_list: Sequence[dict], source: str) -> None:
        """Decode every image and mask; compare their sizes.

        Args:
            data_list (Sequence[dict]): The data infos, files all present.
            source (str): Where the ids come from, for messages.

        Raises:
            OSError: Some files cannot be decoded; all of them are listed.
        """
        bad: List[str] = []
        mismatched: List[str] = []
        for info in data_list:
            image_size = self._decoded_size(info['img_path'], 'image', bad)
            if 'seg_map_path' not in info:
                continue
            mask_size = self._decoded_size(info['seg_map_path'], 'mask', bad)
            if image_size and mask_size and image_size != mask_size:
                mismatched.append(
                    f'  {info["seg_map_path"]} is {mask_size[0]}x'
                    f'{mask_size[1]} (WxH), its image {info["img_path"]} '
                    f'{image_size[0]}x{image_size[1]}')
        if bad:
            raise OSError('\n'.join(
                [f'{len(bad)} file(s) of the ids in {source} cannot be '
                 'decoded:'] + bad +
                ['Replace them with intact files (re-export or convert them '
                 'again), or remove their ids from the split.']))
        if mismatched:
            warnings.warn(
                '\n'.join([
                    f'{len(mismatched)} mask(s) of the ids in {source} '
                    'differ in size from their images:'
                ] + mismatched + [
                    'LoadBinaryAnnotations resizes each to its image (and '
                    'warns again when it does); check that these masks '
                    'belong to their images, or write them at the image '
                    'size (tools/dataset_converters/sirst.py does for '
                    'NUAA-SIRST).'
                ]),
                stacklevel=2)
