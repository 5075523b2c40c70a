"""tools/analysis_tools/visualize_dsa.py on a tiny generated image."""
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

TOOL = 'tools/analysis_tools/visualize_dsa.py'
CONFIG = 'configs/amfunet/amfunet_num4_nudt.py'
HEIGHT, WIDTH = 40, 56
NUM_PANELS = 3


def run_tool(repo_root, *args):
    return subprocess.run([sys.executable, TOOL, CONFIG, *args],
                          cwd=repo_root,
                          capture_output=True,
                          text=True)


def tiny_image(tmp_path):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 60, (HEIGHT, WIDTH), dtype=np.uint8)
    image[20:23, 30:33] = 255  # a small bright target
    path = str(tmp_path / 'tiny.png')
    cv2.imwrite(path, image)
    return path


def test_writes_three_panels(repo_root, tmp_path):
    out = str(tmp_path / 'dsa.png')
    result = run_tool(repo_root, tiny_image(tmp_path), '--layer',
                      'backbone.conv1', '--out', out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'randomly initialised' in result.stdout
    assert osp.isfile(out)
    assert cv2.imread(out).shape == (HEIGHT, NUM_PANELS * WIDTH, 3)


def test_unknown_layer_lists_closest_names(repo_root, tmp_path):
    result = run_tool(repo_root, tiny_image(tmp_path), '--layer',
                      'backbone.conv_1', '--out', str(tmp_path / 'x.png'))
    assert result.returncode != 0
    assert 'backbone.conv1' in result.stderr


def test_loads_a_checkpoint(repo_root, tmp_path):
    init_default_scope('mmseg')
    model = MODELS.build(Config.fromfile(osp.join(repo_root, CONFIG)).model)
    checkpoint = str(tmp_path / 'weights.pth')
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    out = str(tmp_path / 'dsa.png')
    result = run_tool(repo_root, tiny_image(tmp_path), '--checkpoint',
                      checkpoint, '--layer', 'decode_head.fuse1d', '--out',
                      out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'randomly initialised' not in result.stdout
    assert cv2.imread(out).shape == (HEIGHT, NUM_PANELS * WIDTH, 3)
