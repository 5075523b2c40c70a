"""tools/analysis_tools/model_fingerprint.py: what a config builds, and
whether a change kept it."""
import os.path as osp

TOOL = 'tools/analysis_tools/model_fingerprint.py'
DISTILL = 'configs/distill/kd_dnanet_num16_num4_nudt.py'
NETWORK = 'configs/dnanet/dnanet_num4_nudt.py'


def write_config(path, base, body):
    with open(path, 'w', encoding='utf-8') as f:
        f.write(f'_base_ = {osp.abspath(base)!r}\n{body}\n')
    return str(path)


def test_the_same_configs_compare_equal(repo_root, tmp_path, run_script):
    configs = [osp.join(repo_root, c) for c in (DISTILL, NETWORK)]
    first, second = str(tmp_path / 'first'), str(tmp_path / 'second')
    run_script(TOOL, first, *configs)
    printed = run_script(TOOL, second, *configs, '--compare', first)
    assert 'kd_dnanet_num16_num4_nudt: EQUAL' in printed
    assert 'dnanet_num4_nudt: EQUAL' in printed
    assert '0 of 2 differ' in printed


def test_a_changed_model_or_loss_is_reported(repo_root, tmp_path,
                                             run_script, script_process):
    before, after = str(tmp_path / 'before'), str(tmp_path / 'after')
    run_script(TOOL, before, osp.join(repo_root, DISTILL),
               osp.join(repo_root, NETWORK))
    changed = tmp_path / 'changed'
    changed.mkdir()
    # The same weights, another loss weight: only the losses differ.
    loss = write_config(changed / osp.basename(DISTILL),
                        osp.join(repo_root, DISTILL),
                        'model = dict(distill_loss_weight=0.5)')
    # Fewer blocks: the state dict differs.
    network = write_config(
        changed / osp.basename(NETWORK), osp.join(repo_root, NETWORK),
        'model = dict(backbone=dict(num_blocks=(1, 1, 1, 1)))')
    result = script_process(TOOL, after, loss, network, '--compare', before)
    assert result.returncode == 1
    assert 'kd_dnanet_num16_num4_nudt: DIFFERS: distill.loss_kd' in (
        result.stdout)
    assert 'dnanet_num4_nudt: DIFFERS: ' in result.stdout
    assert '2 of 2 differ' in result.stdout


def test_earlier_fingerprints_are_not_replaced(repo_root, tmp_path,
                                               run_script, script_process):
    out = str(tmp_path / 'out')
    network = osp.join(repo_root, NETWORK)
    run_script(TOOL, out, network)
    result = script_process(TOOL, out, network)
    assert result.returncode != 0 and '--overwrite' in result.stderr
    run_script(TOOL, out, network, '--overwrite')
