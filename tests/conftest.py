"""Shared fixtures. Importing mmdsad registers every component."""
import importlib.util
import os
import os.path as osp
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from PIL import Image

import mmdsad  # noqa: F401
from mmdsad.utils.weights_only import save_weights_only

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATASETS = osp.join(REPO_ROOT, '..', 'shared', 'datasets')


@pytest.fixture(scope='session')
def repo_root() -> str:
    """Absolute path of the repository root."""
    return REPO_ROOT


@pytest.fixture(scope='session')
def save_random_model():
    """Builds a model with random weights and saves it weights-only,
    ``(model, path, seed=None) -> path``: ``model`` is a config file (its
    network, built in mmseg's scope) or a model config (built in MMRazor's
    scope, which also builds a ``cfg_path``). With ``seed`` the weights are
    drawn after ``torch.manual_seed(seed)``. The default scope stays the
    one it was built in (tests build the algorithm in it next)."""
    from mmrazor.registry import MODELS as RAZOR_MODELS
    from mmseg.registry import MODELS as SEG_MODELS

    def save(model, path, seed=None) -> str:
        if seed is not None:
            torch.manual_seed(seed)
        if isinstance(model, str):
            init_default_scope('mmseg')
            network = SEG_MODELS.build(Config.fromfile(model).model)
        else:
            init_default_scope('mmrazor')
            network = RAZOR_MODELS.build(ConfigDict(model))
        save_weights_only(network.state_dict(), {}, str(path))
        return str(path)

    return save


@pytest.fixture(scope='session')
def save_tiny_dinov2():
    """``tools/misc/make_tiny_dinov2.py``'s writer of a small random DINOv2
    snapshot, ``(out_dir, depth=4, embed_dim=32, num_register_tokens=0,
    seed=0) -> out_dir``."""
    script = osp.join(REPO_ROOT, 'tools', 'misc', 'make_tiny_dinov2.py')
    spec = importlib.util.spec_from_file_location('make_tiny_dinov2', script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.save_tiny_dinov2


@pytest.fixture(scope='session')
def dinov2_snapshot(tmp_path_factory, save_tiny_dinov2) -> str:
    """Directory of a tiny random DINOv2 snapshot (4 blocks, width 32)."""
    return save_tiny_dinov2(str(tmp_path_factory.mktemp('dinov2')))


@pytest.fixture
def labelled_batch():
    """Makes raw batches as a dataloader gives them: random uint8 images
    with one 3x3 target at (10, 14), ``(size=32, num=2) -> dict``."""

    def make(size: int = 32, num: int = 2) -> dict:
        inputs, samples = [], []
        for _ in range(num):
            inputs.append(
                torch.randint(0, 255, (3, size, size), dtype=torch.uint8))
            mask = torch.zeros(1, size, size, dtype=torch.long)
            mask[0, 10:13, 14:17] = 1
            sample = SegDataSample(
                metainfo=dict(img_shape=(size, size), ori_shape=(size, size)))
            sample.gt_sem_seg = PixelData(data=mask)
            samples.append(sample)
        return dict(inputs=inputs, data_samples=samples)

    return make



class RunsCode:
    """Pickles as ``posix.system('touch <marker>')``: loading it without
    restriction creates ``marker``."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


@pytest.fixture
def malicious_checkpoint(tmp_path):
    """A checkpoint with real weights whose ``meta`` runs ``touch <marker>``
    when fully unpickled: returns ``(checkpoint path, marker path)``; a safe
    loader refuses it and the marker never appears."""
    path, marker = tmp_path / 'evil.pth', tmp_path / 'PWNED'
    torch.save(
        dict(state_dict=dict(w=torch.ones(2)), meta=RunsCode(str(marker))),
        path)
    return str(path), marker


def _frame_and_mask(rng, size_hw, target=True):
    """A noisy uint8 frame and its 0/255 mask with one bright 2x2 target
    (or none)."""
    height, width = size_hw
    frame = rng.randint(0, 120, (height, width), np.uint8)
    mask = np.zeros((height, width), np.uint8)
    if target:
        y, x = rng.randint(2, height - 4), rng.randint(2, width - 4)
        mask[y:y + 2, x:x + 2] = 255
        frame[mask > 0] = 250
    return frame, mask


@pytest.fixture
def make_irstd1k_tree():
    """Writes a made-up IRSTD-1k release, ``(root, trainval=3, test=2,
    size=(32, 32)) -> root``: ``IRSTD1k_Img/XDU<n>.png`` (grey),
    ``IRSTD1k_Label/XDU<n>.png`` (0/255), ``trainval.txt``, ``test.txt``."""

    def make(root, trainval: int = 3, test: int = 2, size=(32, 32)):
        root = Path(root)
        (root / 'IRSTD1k_Img').mkdir(parents=True)
        (root / 'IRSTD1k_Label').mkdir()
        rng = np.random.RandomState(0)
        ids = [f'XDU{n}' for n in range(trainval + test)]
        for img_id in ids:
            frame, mask = _frame_and_mask(rng, size)
            Image.fromarray(frame).save(root / 'IRSTD1k_Img' / f'{img_id}.png')
            Image.fromarray(mask).save(root / 'IRSTD1k_Label' /
                                       f'{img_id}.png')
        (root / 'trainval.txt').write_text('\n'.join(ids[:trainval]) + '\n')
        (root / 'test.txt').write_text('\n'.join(ids[trainval:]) + '\n')
        return root

    return make


@pytest.fixture
def make_sirst_v2_release():
    """Writes a made-up SIRST-v2 release, ``(root, size=(32, 32)) ->
    root``: target frames Misc_1, Misc_2 (RGB, 1-bit mask), Misc_10 and
    S20210303_S3_1 in ``images/targets``, background frames iraytek-1,
    iraytek-2 (all-zero masks) and iraytek-3 (no mask file) in
    ``images/backgrounds``, masks as ``annotations/masks/<id>_pixels0.png``
    and ``splits/trainval_full.txt`` (Misc_1, Misc_2, iraytek-1,
    iraytek-3), ``splits/test_full.txt`` (Misc_10, S20210303_S3_1,
    iraytek-2)."""

    def make(root, size=(32, 32)):
        root = Path(root)
        for sub in ('images/targets', 'images/backgrounds',
                    'annotations/masks', 'splits', 'mixed'):
            (root / sub).mkdir(parents=True)
        rng = np.random.RandomState(0)
        frames = {
            'Misc_1': 'targets', 'Misc_2': 'targets', 'Misc_10': 'targets',
            'S20210303_S3_1': 'targets', 'iraytek-1': 'backgrounds',
            'iraytek-2': 'backgrounds', 'iraytek-3': 'backgrounds'
        }
        for img_id, kind in frames.items():
            frame, mask = _frame_and_mask(rng, size, kind == 'targets')
            image = Image.fromarray(frame)
            if img_id == 'Misc_2':
                image = image.convert('RGB')
            image.save(root / 'images' / kind / f'{img_id}.png')
            image.save(root / 'mixed' / f'{img_id}.png')
            if img_id == 'iraytek-3':
                continue
            mask_img = Image.fromarray(mask)
            if img_id == 'Misc_2':
                mask_img = mask_img.convert('1')
            mask_img.save(root / 'annotations' / 'masks' /
                          f'{img_id}_pixels0.png')
        (root / 'splits' / 'trainval_full.txt').write_text(
            'Misc_1\nMisc_2\niraytek-1\niraytek-3\n')
        (root / 'splits' / 'test_full.txt').write_text(
            'Misc_10\nS20210303_S3_1\niraytek-2\n')
        return root

    return make
