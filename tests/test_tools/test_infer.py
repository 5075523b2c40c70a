"""tools/infer.py over a folder: masks, overlays, one JSON, bad input."""
import json

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmdsad.utils.weights_only import save_weights_only

TOOL = 'tools/infer.py'
CONFIG = 'configs/dmfnet/dmfnet_num4_nudt.py'


def random_checkpoint(repo_root, path):
    torch.manual_seed(0)
    init_default_scope('mmseg')
    network = MODELS.build(Config.fromfile(f'{repo_root}/{CONFIG}').model)
    network.init_weights()
    save_weights_only(network.state_dict(), {}, path)


def frames_folder(tmp_path):
    folder = tmp_path / 'frames'
    folder.mkdir()
    rng = np.random.default_rng(0)
    cv2.imwrite(str(folder / 'wide.png'),
                rng.integers(0, 255, (40, 70), dtype=np.uint8))
    # Smaller than the network's stride (16).
    cv2.imwrite(str(folder / 'tiny.png'),
                rng.integers(0, 255, (9, 12), dtype=np.uint8))
    data = (folder / 'wide.png').read_bytes()
    (folder / 'broken.png').write_bytes(data[:len(data) // 3])
    return folder


def test_folder_run_writes_results_and_reports_bad_frames(
        repo_root, tmp_path, script_process):
    checkpoint, out = str(tmp_path / 'net.pth'), tmp_path / 'out'
    random_checkpoint(repo_root, checkpoint)
    folder = frames_folder(tmp_path)
    result = script_process(TOOL, CONFIG, checkpoint, str(folder), '--out-dir',
                      str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'skipping broken.png' in result.stderr
    assert 'skipped broken.png' in result.stdout
    assert '2 frames' in result.stdout and 'frames/s' in result.stdout
    report = json.loads((out / 'targets.json').read_text())
    assert [f['name'] for f in report['frames']] == ['tiny.png', 'wide.png']
    assert [(f['height'], f['width']) for f in report['frames']] == [(9, 12),
                                                                     (40, 70)]
    assert [s['name'] for s in report['skipped']] == ['broken.png']
    assert report['summary']['frames'] == 2
    assert report['summary']['targets'] == sum(
        len(f['targets']) for f in report['frames'])
    for frame in report['frames']:
        mask = cv2.imread(str(out / 'masks' / frame['output']), 0)
        assert mask.shape == (frame['height'], frame['width'])
        assert set(np.unique(mask)) <= {0, 255}
        assert sum(t['area'] for t in frame['targets']) == (mask > 0).sum()
        overlay = cv2.imread(str(out / 'overlays' / frame['output']))
        assert overlay.shape == (frame['height'], frame['width'], 3)
    # A second run must not overwrite the first.
    again = script_process(TOOL, CONFIG, checkpoint, str(folder), '--out-dir',
                     str(out))
    assert again.returncode != 0 and 'exists' in again.stderr


def test_checkpoint_of_another_network_lists_keys(
        repo_root, tmp_path, script_process):
    checkpoint = str(tmp_path / 'net.pth')
    random_checkpoint(repo_root, checkpoint)
    result = script_process(TOOL, 'configs/dnanet/dnanet_num4_nudt.py',
                      checkpoint, str(frames_folder(tmp_path)), '--out-dir',
                      str(tmp_path / 'out'))
    assert result.returncode != 0
    assert 'CheckpointMismatchError' in result.stderr
    assert 'missing from the checkpoint' in result.stderr
    assert not (tmp_path / 'out').exists()


def test_names_differing_in_extension_keep_their_own_outputs(
        repo_root, tmp_path, script_process):
    checkpoint, out = str(tmp_path / 'net.pth'), tmp_path / 'out'
    random_checkpoint(repo_root, checkpoint)
    folder = tmp_path / 'frames'
    folder.mkdir()
    # Three frames of different sizes, so that each output can be traced
    # back to its frame.
    sizes = {'a.png': (20, 30), 'a.jpg': (24, 18), 'a_1.png': (16, 40)}
    rng = np.random.default_rng(0)
    for name, size in sizes.items():
        cv2.imwrite(str(folder / name),
                    rng.integers(0, 255, size, dtype=np.uint8))
    result = script_process(TOOL, CONFIG, checkpoint, str(folder),
                            '--out-dir', str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((out / 'targets.json').read_text())
    outputs = {f['name']: f['output'] for f in report['frames']}
    assert outputs == {
        'a.jpg': 'a.jpg.png',
        'a.png': 'a.png.png',
        'a_1.png': 'a_1.png.png'
    }
    for folder_name in ('masks', 'overlays'):
        assert sorted(p.name for p in (out / folder_name).iterdir()) == \
            sorted(outputs.values())
    for frame in report['frames']:
        assert frame['path'] == str(folder / frame['name'])
        mask = cv2.imread(str(out / 'masks' / frame['output']), 0)
        assert mask.shape == sizes[frame['name']]


def test_sliced_run_on_a_frame_larger_than_the_tile(repo_root, tmp_path,
                                                    script_process):
    checkpoint, out = str(tmp_path / 'net.pth'), tmp_path / 'out'
    random_checkpoint(repo_root, checkpoint)
    folder = tmp_path / 'big'
    folder.mkdir()
    cv2.imwrite(str(folder / 'big.png'),
                np.random.default_rng(0).integers(0, 255, (100, 130),
                                                  dtype=np.uint8))
    result = script_process(TOOL, CONFIG, checkpoint, str(folder),
                            '--out-dir', str(out), '--slide', '64', '64')
    assert result.returncode == 0, result.stdout + result.stderr
    # The tile bar is there (rich prints its description when not a TTY).
    assert 'tiles of the frame' in result.stdout
    mask = cv2.imread(str(out / 'masks' / 'big.png.png'), 0)
    assert mask.shape == (100, 130)
