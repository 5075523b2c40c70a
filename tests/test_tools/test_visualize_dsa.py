"""tools/analysis_tools/visualize_dsa.py on a tiny generated image."""
import os.path as osp

import cv2
import numpy as np

TOOL = 'tools/analysis_tools/visualize_dsa.py'
CONFIG = 'configs/amfunet/amfunet_num4_nudt.py'
HEIGHT, WIDTH = 40, 56
NUM_PANELS = 3


def tiny_image(tmp_path):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 60, (HEIGHT, WIDTH), dtype=np.uint8)
    image[20:23, 30:33] = 255  # a small bright target
    path = str(tmp_path / 'tiny.png')
    cv2.imwrite(path, image)
    return path


def test_writes_three_panels(tmp_path, script_process):
    out = str(tmp_path / 'dsa.png')
    result = script_process(TOOL, CONFIG, tiny_image(tmp_path), '--layer',
                            'backbone.conv1', '--out', out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'randomly initialised' in result.stdout
    assert osp.isfile(out)
    assert cv2.imread(out).shape == (HEIGHT, NUM_PANELS * WIDTH, 3)


def test_unknown_layer_lists_closest_names(tmp_path, script_process):
    result = script_process(TOOL, CONFIG, tiny_image(tmp_path), '--layer',
                            'backbone.conv_1', '--out',
                            str(tmp_path / 'x.png'))
    assert result.returncode != 0
    assert 'backbone.conv1' in result.stderr


def test_loads_a_checkpoint(repo_root, tmp_path, script_process,
                            save_random_model):
    checkpoint = save_random_model(
        osp.join(repo_root, CONFIG), tmp_path / 'weights.pth')
    out = str(tmp_path / 'dsa.png')
    result = script_process(TOOL, CONFIG, tiny_image(tmp_path),
                            '--checkpoint', checkpoint, '--layer',
                            'decode_head.fuse1d', '--out', out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'randomly initialised' not in result.stdout
    assert cv2.imread(out).shape == (HEIGHT, NUM_PANELS * WIDTH, 3)
