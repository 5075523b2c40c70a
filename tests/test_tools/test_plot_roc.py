"""tools/analysis_tools/plot_roc.py: Pd against Fa, several models, CSV."""
import csv
import json

import cv2
import pytest

TOOL = 'tools/analysis_tools/plot_roc.py'


def metrics_file(path, scale, thresholds=(0.1, 0.5, 0.9)):
    metrics = {'IoU': 50.0, 'Pd': 90.0, 'Fa_1e-6': 3.0}
    for t in thresholds:
        metrics.update({
            f'IoU@{t:.2f}': 60 * (1 - t),
            f'Pd@{t:.2f}': scale * (1 - t / 2),
            f'Fa_1e-6@{t:.2f}': 10 * scale * (1 - t),
        })
    path.write_text(json.dumps(metrics))
    return str(path)


def test_two_models_on_one_png_with_csv(tmp_path, script_process):
    teacher = metrics_file(tmp_path / 'teacher.json', 100)
    student = metrics_file(tmp_path / 'student.json', 80, (0.3, 0.5))
    out = tmp_path / 'roc.png'
    result = script_process(TOOL, teacher, student, '--out', str(out),
                            '--title', 'NUDT-SIRST, basicirstd')
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'wrote' in result.stdout and '2 curves' in result.stdout
    image = cv2.imread(str(out))
    assert image is not None and image.shape[0] > 200 and image.std() > 0
    with open(tmp_path / 'roc.csv', newline='') as f:
        rows = list(csv.DictReader(f))
    assert [(r['model'], r['threshold']) for r in rows] == [
        ('teacher', '0.10'), ('teacher', '0.50'), ('teacher', '0.90'),
        ('student', '0.30'), ('student', '0.50')
    ]
    assert rows[0]['metrics'] == teacher
    assert float(rows[0]['Pd_percent']) == pytest.approx(95.0)
    assert float(rows[4]['Fa_1e-6']) == pytest.approx(400.0)


@pytest.fixture(scope='module')
def tool(load_script):
    return load_script(TOOL)


def test_labels_log_axis_and_name_clashes(tmp_path, tool, capsys):
    (tmp_path / 'a').mkdir()
    (tmp_path / 'b').mkdir()
    first = metrics_file(tmp_path / 'a' / 'metrics.json', 100)
    second = metrics_file(tmp_path / 'b' / 'metrics.json', 100, (0.5, 0.9,
                                                                 1.0))
    out = tmp_path / 'roc.png'
    # Fa is 0 at t = 1.0: left out of the log axis, kept in the CSV.
    tool.main([first, second, '--out', str(out), '--log-fa'])
    assert out.is_file()
    models = [r['model'] for r in csv.DictReader(open(tmp_path / 'roc.csv'))]
    assert models == ['a/metrics'] * 3 + ['b/metrics'] * 3
    with pytest.raises(SystemExit, match='distinct names'):
        tool.main([first, second, '--out', str(out), '--labels', 'x', 'x'])
    with pytest.raises(SystemExit):
        tool.main([first, '--out', str(out), '--labels', 'x', 'y'])
    assert '2 names for 1' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        tool.main([first, '--out', str(tmp_path / 'roc.svg')])
    assert 'must be a .png' in capsys.readouterr().err


def test_an_earlier_figure_is_kept_unless_overwrite(tmp_path, tool):
    source = metrics_file(tmp_path / 'm.json', 100)
    out = tmp_path / 'roc.png'
    tool.main([source, '--out', str(out)])
    before = out.read_bytes(), (tmp_path / 'roc.csv').read_text()
    with pytest.raises(SystemExit, match='--overwrite'):
        tool.main([source, '--out', str(out), '--title', 'other'])
    assert (out.read_bytes(), (tmp_path / 'roc.csv').read_text()) == before
    tool.main([source, '--out', str(out), '--title', 'other', '--overwrite'])
    assert out.read_bytes() != before[0]


def test_without_thresholds_says_how_to_get_them(tmp_path, tool):
    source = tmp_path / 'metrics.json'
    source.write_text(json.dumps({'Pd': 90.0, 'Fa_1e-6': 3.0,
                                  'Pd@0.50': 90.0}))
    out = str(tmp_path / 'roc.png')
    with pytest.raises(SystemExit) as error:
        tool.main([str(source), '--out', out])
    assert str(source) in str(error.value)
    assert 'test_evaluator.thresholds' in str(error.value)
    source.write_text('[1, 2]')
    with pytest.raises(SystemExit, match='JSON list'):
        tool.main([str(source), '--out', out])
    with pytest.raises(SystemExit, match='No such file'):
        tool.main([str(tmp_path / 'missing.json'), '--out', out])
