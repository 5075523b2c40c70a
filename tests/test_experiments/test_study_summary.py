"""mmdsad_experiments.study_summary: mean ± std over seeds, paired with
alone."""
import csv

import pytest

from mmdsad_experiments.study_summary import (
    summarise,
    to_markdown,
    write_summary,
)


def metrics(iou, time_per_iter=0.5):
    return {'IoU': iou, 'nIoU': iou, 'Pd': 100.0, 'Fa_1e-6': 1.0,
            'IoU_sweep': iou - 1, 'time_per_iter': time_per_iter}


RESULTS = {
    'alone': {0: metrics(70.0, 0.5), 1: metrics(74.0, 1.0)},
    'dsad': {0: metrics(71.0, 1.0), 1: metrics(77.0, 3.0)},
}


def test_summary_is_mean_and_std_over_seeds_paired_with_alone():
    rows = summarise(RESULTS, [0, 1])
    dsad = rows[1]
    assert dsad['IoU'] == pytest.approx((74.0, 4.242640687))
    assert dsad['dIoU_vs_alone'] == pytest.approx((2.0, 1.414213562))
    assert dsad['IoU_per_seed'] == [71.0, 77.0]
    assert 'cost_vs_alone' not in dsad
    table = to_markdown(rows, [0, 1])
    assert '74.00 ± 4.24' in table and 'cost' not in table


def test_cost_is_the_time_ratio_to_alone_paired_by_seed(tmp_path):
    rows = summarise(RESULTS, [0, 1], with_cost=True)
    alone, dsad = rows
    assert alone['cost_vs_alone'] == pytest.approx((1.0, 0.0))
    # Ratios 2 and 3 per seed, not the ratio of the means (4 / 1.5).
    assert dsad['cost_vs_alone'] == pytest.approx((2.5, 0.707106781))
    assert dsad['time_per_iter'] == pytest.approx((2.0, 1.414213562))
    markdown = write_summary(str(tmp_path), rows, RESULTS, [0, 1],
                             with_cost=True)
    assert '| dsad |' in markdown and '2.50 ± 0.71' in markdown
    assert (tmp_path / 'summary.md').read_text() == markdown + '\n'
    with open(tmp_path / 'summary.csv', encoding='utf-8') as f:
        table = list(csv.DictReader(f))
    assert [row['variant'] for row in table] == ['alone', 'dsad']
    assert float(table[1]['cost_vs_alone_mean']) == pytest.approx(2.5)
    assert float(table[1]['IoU_seed1']) == pytest.approx(77.0)


def test_cost_of_a_run_without_logged_time_is_refused():
    results = {'alone': {0: metrics(70.0)}, 'kd': {0: metrics(71.0, None)}}
    assert summarise(results, [0])[1]['IoU'] == (71.0, 0.0)
    with pytest.raises(ValueError, match=r'kd seeds \[0\] logged no'):
        summarise(results, [0], with_cost=True)


@pytest.mark.parametrize('iou, sweep, dead', [
    (4.9, 4.0, True),  # below 5 IoU
    (10.0, 31.0, True),  # below a third of its own sweep: miscalibrated
    (10.0, 29.0, False),
    (40.0, 41.0, False),
])
def test_dead_runs_are_counted(iou, sweep, dead, tmp_path):
    dying = metrics(iou)
    dying['IoU_sweep'] = sweep
    results = {'alone': {0: metrics(70.0), 1: metrics(74.0)},
               'kd': {0: dying, 1: metrics(72.0)}}
    rows = summarise(results, [0, 1])
    assert [row['dead_runs'] for row in rows] == [0, int(dead)]
    write_summary(str(tmp_path), rows, results, [0, 1])
    with open(tmp_path / 'summary.csv', encoding='utf-8') as f:
        assert [r['dead_runs'] for r in csv.DictReader(f)] == ['0',
                                                                str(int(dead))]
    assert 'dead runs' in (tmp_path / 'summary.md').read_text()
