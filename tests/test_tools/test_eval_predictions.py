"""tools/analysis_tools/eval_predictions.py: prediction files vs masks."""
import json

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmdsad.utils.weights_only import save_weights_only

TOOL = 'tools/analysis_tools/eval_predictions.py'
CONFIG = 'configs/demo/dnanet_num4_synthetic.py'
QUIET_LOADERS = [
    'test_dataloader.num_workers=0',
    'test_dataloader.persistent_workers=False'
]


@pytest.fixture(scope='session')
def tool(load_script):
    return load_script(TOOL)


# ---------------------------------------------------------------------------
# The same figures as tools/test.py, from tools/infer.py's masks.
# ---------------------------------------------------------------------------


@pytest.fixture(scope='module')
def inferred(repo_root, tmp_path_factory, run_script):
    """A synthetic set, a random DNANet num4 and its tools/infer.py masks
    of the test split."""
    root = tmp_path_factory.mktemp('eval_predictions')
    data = root / 'data'
    run_script('tools/misc/make_synthetic_sirst.py', str(data),
               '--num-train', '1', '--num-test', '4', '--size', '64',
               '--seed', '3')
    torch.manual_seed(0)
    init_default_scope('mmseg')
    network = MODELS.build(Config.fromfile(f'{repo_root}/{CONFIG}').model)
    network.init_weights()
    checkpoint = str(root / 'net.pth')
    save_weights_only(network.state_dict(), {}, checkpoint)
    ids = (data / '50_50' / 'test.txt').read_text().split()
    run_script('tools/infer.py', CONFIG, checkpoint,
               *[str(data / 'images' / f'{i}.png') for i in ids],
               '--out-dir', str(root / 'infer'))
    return root, data, checkpoint


@pytest.mark.parametrize('protocol', ['basicirstd', 'opdc'])
def test_infer_masks_score_as_test_py(protocol, inferred, run_script):
    root, data, checkpoint = inferred
    test_json = root / f'test_{protocol}.json'
    run_script('tools/test.py', CONFIG, checkpoint, '--work-dir',
               str(root / 'run'), '--data-root', str(data), '--metrics-out',
               str(test_json), '--cfg-options', *QUIET_LOADERS,
               f'test_evaluator.protocol={protocol}')
    eval_json = root / f'eval_{protocol}.json'
    out = run_script(TOOL, str(root / 'infer' / 'masks'), str(data / 'masks'),
                     '--ids', str(data / '50_50' / 'test.txt'), '--protocol',
                     protocol, '--out', str(eval_json))
    assert f"scored 4 of 4 pairs under protocol '{protocol}'" in out
    tested = json.loads(test_json.read_text())
    evaluated = json.loads(eval_json.read_text())
    assert set(tested) == set(evaluated)
    assert evaluated == pytest.approx(tested, rel=1e-12, abs=1e-12)
    # A random network: some targets found, many false alarms.
    assert 0 < tested['Pd'] < 100 and tested['Fa_1e-6'] > 0


# ---------------------------------------------------------------------------
# Reading predictions.
# ---------------------------------------------------------------------------


def write(path, array):
    if str(path).endswith('.npy'):
        np.save(path, array)
    else:
        assert cv2.imwrite(str(path), array)
    return str(path)


PROB = np.array([[0.0, 0.2, 0.6], [1.0, 0.5, 0.8]], dtype=np.float32)


@pytest.mark.parametrize(
    'name, stored, expected',
    [
        ('p.npy', PROB, PROB),
        ('p.npy', PROB[None], PROB),
        ('p.npy', PROB[..., None], PROB),
        ('p.npy', PROB > 0.5, (PROB > 0.5).astype(np.float32)),
        ('p.npy', (PROB > 0.5).astype(np.int64),
         (PROB > 0.5).astype(np.float32)),
        ('p.npy', (PROB * 255).astype(np.uint8),
         (PROB * 255).astype(np.uint8) / 255),
        ('p.png', (PROB * 255).astype(np.uint8),
         (PROB * 255).astype(np.uint8) / 255),
        ('p.png', (PROB * 65535).astype(np.uint16),
         (PROB * 65535).astype(np.uint16) / 65535),
        # A 0/1 mask, not a near-black probability map.
        ('p.png', (PROB > 0.5).astype(np.uint8),
         (PROB > 0.5).astype(np.float32)),
        # infer.py's 0/255 masks.
        ('p.png.png', (PROB > 0.5).astype(np.uint8) * 255,
         (PROB > 0.5).astype(np.float32)),
        # Grey stored as three equal channels.
        ('p.png', np.repeat((PROB * 255).astype(np.uint8)[..., None], 3, 2),
         (PROB * 255).astype(np.uint8) / 255),
    ])
def test_read_prediction(name, stored, expected, tool, tmp_path):
    got = tool.read_prediction(write(tmp_path / name, stored))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-7)


@pytest.mark.parametrize(
    'name, stored, message',
    [
        ('p.npy', PROB * 2, r'values in \[0, 2\]'),
        ('p.npy', np.full((2, 2), np.nan, np.float32), 'NaN'),
        ('p.npy', np.zeros((2, 3, 3), np.float32), 'an \\(H, W\\) map'),
        ('p.npy', np.array([[0, 7]], np.int32), 'int32 with values'),
        ('p.npy', np.zeros((0, 4), np.float32), 'empty'),
        ('p.png', np.dstack([np.zeros((4, 4), np.uint8)] * 2 +
                            [np.ones((4, 4), np.uint8) * 9]), 'colour'),
    ])
def test_unusable_predictions_are_refused(name, stored, message, tool,
                                          tmp_path):
    with pytest.raises(ValueError, match=message):
        tool.read_prediction(write(tmp_path / name, stored))


def test_unreadable_files(tool, tmp_path):
    (tmp_path / 'a.png').write_bytes(b'not a png')
    (tmp_path / 'b.npy').write_bytes(b'not an array')
    for name in ('a.png', 'b.npy'):
        with pytest.raises(ValueError, match='not a readable'):
            tool.read_prediction(str(tmp_path / name))


@pytest.mark.parametrize('name, prediction, key', [
    ('a.png', False, 'a'),
    ('a.png', True, 'a'),
    ('a.png.png', True, 'a'),
    ('a.jpg.npy', True, 'a'),
    ('a.b.png', True, 'a.b'),
    ('Misc_1.png', True, 'Misc_1'),
    ('.png', True, '.png'),
])
def test_pairing_key(name, prediction, key, tool):
    assert tool.pairing_key(name, prediction) == key


# ---------------------------------------------------------------------------
# Pairing and the report of what is left out.
# ---------------------------------------------------------------------------


def folders(tmp_path):
    """Masks a, b, c, d (8x8, one target each) and predictions: a exact
    (npy), b exact (16-bit PNG, infer.py's name), c twice (png and npy),
    d of another size, e without a mask; f's mask has no prediction."""
    pred, gt = tmp_path / 'pred', tmp_path / 'gt'
    pred.mkdir()
    gt.mkdir()
    mask = np.zeros((8, 8), np.uint8)
    mask[2:4, 2:4] = 255
    for key in 'abcdf':
        write(gt / f'{key}.png', mask)
    write(pred / 'a.npy', mask.astype(np.float32) / 255)
    write(pred / 'b.png.png', mask.astype(np.uint16) * 257)
    write(pred / 'c.png', mask)
    write(pred / 'c.npy', mask > 0)
    write(pred / 'd.png', np.zeros((8, 9), np.uint8))
    write(pred / 'e.png', mask)
    (pred / 'notes.txt').write_text('ignored')
    return pred, gt


def test_pair_files_lists_everything_left_out(tool, tmp_path):
    pred, gt = folders(tmp_path)
    pairing = tool.pair_files(str(pred), str(gt))
    assert [key for key, _, _ in pairing.pairs] == ['a', 'b', 'd']
    problems = '\n'.join(pairing.problems)
    assert 'predictions c.npy, c.png' in problems
    assert 'mask c.png has no prediction' in problems
    assert 'mask f.png has no prediction' in problems
    assert 'prediction e.png has no mask' in problems
    assert len(pairing.problems) == 4


def test_pair_files_with_ids(tool, tmp_path):
    pred, gt = folders(tmp_path)
    pairing = tool.pair_files(str(pred), str(gt), ['b', 'a', 'zz'])
    assert [key for key, _, _ in pairing.pairs] == ['b', 'a']
    problems = '\n'.join(pairing.problems)
    assert "'zz' (--ids) has no mask" in problems
    assert 'prediction d.png: its mask is not in --ids' in problems
    assert 'mask f.png' not in problems


def test_script_reports_and_exits_1(tmp_path, script_process):
    pred, gt = folders(tmp_path)
    result = script_process(TOOL, str(pred), str(gt))
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'prediction d.png is 9x8 (WxH), mask d.png 8x8' in result.stderr
    assert 'prediction e.png has no mask' in result.stderr
    assert '5 files were left out' in result.stderr
    # a and b: both targets found exactly.
    assert 'scored 2 of 3 pairs' in result.stdout
    assert "protocol 'basicirstd'" in result.stdout
    assert 'Fa (×1e-6)' in result.stdout


def test_allow_unmatched_fit_masks_and_out(tmp_path, tool, capsys):
    pred, gt = folders(tmp_path)
    out = tmp_path / 'metrics.json'
    assert tool.main([
        str(pred),
        str(gt), '--allow-unmatched', '--fit-masks', '--protocol',
        'shooting', '--thresholds', '0.3', '0.7', '--out',
        str(out)
    ]) == 0
    captured = capsys.readouterr()
    assert 'fitted: prediction d.png' in captured.err
    assert 'scored 3 of 3 pairs' in captured.out
    metrics = json.loads(out.read_text())
    # d predicts nothing: 2 of 3 targets found, no false alarm.
    assert metrics['Pd'] == pytest.approx(200 / 3)
    assert metrics['Fa_1e-6'] == 0.0
    assert {'IoU@0.30', 'Pd@0.70', 'Fa_1e-6@0.70'} <= set(metrics)
    with pytest.raises(SystemExit, match='exists'):
        tool.main([str(pred), str(gt), '--out', str(out)])
    assert tool.main([
        str(pred),
        str(gt), '--out',
        str(out), '--overwrite', '--allow-unmatched'
    ]) == 0
    assert json.loads(out.read_text())['Pd'] == 100.0  # a and b


def test_nothing_to_score_and_bad_arguments(tmp_path, tool):
    (tmp_path / 'pred').mkdir()
    (tmp_path / 'gt').mkdir()
    write(tmp_path / 'gt' / 'a.png', np.zeros((4, 4), np.uint8))
    pred, gt = str(tmp_path / 'pred'), str(tmp_path / 'gt')
    with pytest.raises(SystemExit, match='no prediction could be scored'):
        tool.main([pred, gt])
    with pytest.raises(SystemExit, match='is not a folder'):
        tool.main([str(tmp_path / 'nope'), gt])
    with pytest.raises(SystemExit, match='threshold'):
        tool.main([pred, gt, '--threshold', '1.5'])
    # tools/infer.py's output folder instead of its masks/.
    (tmp_path / 'pred' / 'masks').mkdir()
    with pytest.raises(SystemExit, match='did you mean .*pred/masks'):
        tool.main([pred, gt])
