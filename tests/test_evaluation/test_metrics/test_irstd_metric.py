"""Specification of IRSTDMetric (IoU, nIoU, Pd, Fa, HSE).

The metric is checked against the independent plain reference of
``tests/test_evaluation/conftest.py`` (own flood fill, centroids, greedy
matching and IoU), on small hand-computed cases, and HSE against a
straightforward reading of its definition written out below.
"""
import numpy as np
import pytest
import torch
from mmseg.registry import METRICS

from mmdsad.evaluation.functional import image_counts, summary
from mmdsad.evaluation.metrics import irstd_metric
from mmdsad.evaluation.metrics.irstd_metric import IRSTDMetric

THRESHOLDS = (0.1, 0.3, 0.45, 0.7, 0.9)
NAMES = ('IoU', 'nIoU', 'Pd', 'Fa_1e-6')


def make_sample(prob, gt):
    """A data sample as mmengine's evaluator passes it (plain dicts)."""
    prob = torch.as_tensor(np.asarray(prob, dtype=np.float32))[None]
    gt = torch.as_tensor(np.asarray(gt, dtype=np.int64))[None]
    return {
        'seg_logits': {
            'data': prob
        },
        'pred_sem_seg': {
            'data': (prob > 0.5).to(prob)
        },
        'gt_sem_seg': {
            'data': gt
        },
    }


def evaluate(samples, **kwargs):
    """Run IRSTDMetric on (prob, gt) pairs, one batch per two images."""
    metric = IRSTDMetric(**kwargs)
    for start in range(0, len(samples), 2):
        batch = [make_sample(p, g) for p, g in samples[start:start + 2]]
        metric.process({}, batch)
    return metric.evaluate(len(samples))


def reference_hse(reference, samples, thresholds, fa_ref):
    """HSE (percent) per threshold, written out from docs/paper-spec.md
    §2.2."""
    pixel_terms, target_terms = [], []
    for threshold in thresholds:
        scores = reference.metrics(samples, threshold)
        pixel_terms.append((scores['IoU'] + scores['nIoU']) / 2)
        fa = scores['Fa_1e-6'] * 1e-6
        target_terms.append(scores['Pd'] * (1 - min(1.0, fa / fa_ref)))
    pixel = sum(pixel_terms) / len(pixel_terms)
    target = sum(target_terms) / len(target_terms)
    return {
        'HSE': (pixel + target) / 2,
        'HSE_pixel': pixel,
        'HSE_target': target
    }


# ---------------------------------------------------------------------------
# Agreement with the reference on random data.
# ---------------------------------------------------------------------------


def test_random_data_matches_reference(irstd_reference):
    samples = irstd_reference.random_dataset(seed=0)
    results = evaluate(samples, threshold=0.5, thresholds=THRESHOLDS)
    expected = irstd_reference.metrics(samples, 0.5)
    for key, value in expected.items():
        assert results[key] == pytest.approx(value, rel=1e-12, abs=1e-12)
    for threshold in THRESHOLDS:
        expected = irstd_reference.metrics(samples, threshold)
        for key, value in expected.items():
            assert results[f'{key}@{threshold:.2f}'] == pytest.approx(
                value, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize('seed', [1, 2, 3])
@pytest.mark.parametrize('match_distance', [1.5, 3.0, 5.0])
def test_random_data_matches_reference_other_seeds(seed, match_distance,
                                                   irstd_reference):
    samples = irstd_reference.random_dataset(seed)
    results = evaluate(
        samples, threshold=0.3, match_distance=match_distance)
    expected = irstd_reference.metrics(samples, 0.3, match_distance)
    assert results == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_random_data_is_not_trivial(irstd_reference):
    """The random data exercises matches, misses and false alarms."""
    results = evaluate(irstd_reference.random_dataset(seed=0), threshold=0.5)
    assert 0 < results['Pd'] < 100
    assert results['Fa_1e-6'] > 0
    assert 0 < results['IoU'] < 100


# ---------------------------------------------------------------------------
# HSE (mmdsad's definition).
# ---------------------------------------------------------------------------


@pytest.mark.parametrize('seed', [0, 4])
@pytest.mark.parametrize('fa_ref', [1e-4, 5e-3, 2e-2])
def test_hse_matches_reference(seed, fa_ref, irstd_reference):
    # The random dataset holds an image with false alarms but no target,
    # one with neither, and one with targets but no prediction.
    samples = irstd_reference.random_dataset(seed)
    assert any(not np.any(gt) and np.any(prob > 0.5) for prob, gt in samples)
    thresholds = [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]
    results = evaluate(
        samples, hse=True, hse_thresholds=thresholds, hse_fa_ref=fa_ref)
    expected = reference_hse(irstd_reference, samples, thresholds, fa_ref)
    for key, value in expected.items():
        assert results[key] == pytest.approx(value, rel=1e-12, abs=1e-12)
    if fa_ref == 2e-2:
        assert 0 < results['HSE_target'] < 100


def test_hse_default_thresholds_match_reference(irstd_reference):
    samples = irstd_reference.random_dataset(seed=5)
    results = evaluate(samples, hse=True)
    thresholds = [round(0.05 * k, 2) for k in range(1, 20)]
    assert results['HSE'] == pytest.approx(
        reference_hse(irstd_reference, samples, thresholds, 1e-4)['HSE'],
        rel=1e-12, abs=1e-12)


def test_hse_on_images_without_targets_only():
    # Only false alarms: no IoU, no Pd, so HSE is 0; a perfect empty
    # prediction still scores 0 (an empty union scores 0 in nIoU).
    prob = np.zeros((8, 8), dtype=np.float32)
    prob[1, 1] = 0.9
    empty = np.zeros((8, 8))
    for samples in ([(prob, empty)], [(np.zeros((8, 8)), empty)]):
        results = evaluate(samples, hse=True)
        assert (results['HSE'], results['HSE_pixel'],
                results['HSE_target']) == (0.0, 0.0, 0.0)


def test_hse_keys_only_when_asked(irstd_reference):
    samples = irstd_reference.random_dataset(seed=0)
    assert set(evaluate(samples)) == set(NAMES)
    assert set(evaluate(samples, hse=True)) == set(NAMES) | {
        'HSE', 'HSE_pixel', 'HSE_target'
    }


def test_single_pass_labels_each_ground_truth_once(monkeypatch,
                                                   irstd_reference):
    calls = []
    label = image_counts.label_components

    def counting_label(mask):
        calls.append(np.asarray(mask).copy())
        return label(mask)

    monkeypatch.setattr(image_counts, 'label_components', counting_label)
    samples = irstd_reference.random_dataset(seed=0)
    # 0.5 and 0.30 are both a report threshold and an HSE threshold.
    evaluate(samples, thresholds=[0.3, 0.33], hse=True)
    unique_thresholds = 19 + 1  # 0.05..0.95 plus 0.33
    assert len(calls) == len(samples) * (1 + unique_thresholds)


def test_hse_is_labelled_as_ours_in_the_log(monkeypatch, irstd_reference):
    messages = []
    monkeypatch.setattr(irstd_metric, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    evaluate(irstd_reference.random_dataset(seed=0), hse=True)
    assert any('HSE (mmdsad definition' in msg for msg in messages)


# ---------------------------------------------------------------------------
# Hand-computed cases.
# ---------------------------------------------------------------------------


def test_hand_computed_example(irstd_reference):
    # Image 1 (10x10): one target pixel at (2, 2), detected by a 2x2 blob
    # (centroid (2.5, 2.5), distance 0.71), plus a 3-pixel false alarm.
    gt1 = irstd_reference.binary_image((10, 10), (2, 2))
    prob1 = np.zeros((10, 10), dtype=np.float32)
    prob1[2:4, 2:4] = 0.9
    prob1[8, 5:8] = 0.8
    # Image 2 (10x10): one target at (5, 5), nothing predicted.
    gt2 = irstd_reference.binary_image((10, 10), (5, 5))
    prob2 = np.full((10, 10), 0.2, dtype=np.float32)

    results = evaluate([(prob1, gt1)])
    assert results['IoU'] == pytest.approx(100 / 7)
    assert results['nIoU'] == pytest.approx(100 / 7)
    assert results['Pd'] == pytest.approx(100.0)
    assert results['Fa_1e-6'] == pytest.approx(3 / 100 * 1e6)

    results = evaluate([(prob1, gt1), (prob2, gt2)])
    # IoU: 1 / (7 + 1); nIoU: (1/7 + 0) / 2; Pd: 1 of 2 targets;
    # Fa: 3 pixels over 2 * 100 pixels.
    assert results == pytest.approx({
        'IoU': 100 / 8,
        'nIoU': 100 * (1 / 7) / 2,
        'Pd': 50.0,
        'Fa_1e-6': 3 / 200 * 1e6,
    })


def test_fa_is_normalised_by_all_pixels_of_all_sizes():
    prob_a = np.zeros((10, 20), dtype=np.float32)
    prob_a[0, 0] = 0.9  # one false-alarm pixel
    prob_b = np.zeros((5, 6), dtype=np.float32)
    results = evaluate([(prob_a, np.zeros((10, 20))),
                        (prob_b, np.zeros((5, 6)))])
    assert results['Fa_1e-6'] == pytest.approx(1 / (200 + 30) * 1e6)


def test_no_targets_at_all_reports_zero_pd():
    prob = np.zeros((8, 8), dtype=np.float32)
    prob[1, 1] = 0.9
    results = evaluate([(prob, np.zeros((8, 8)))])
    assert results == {
        'IoU': 0.0,
        'nIoU': 0.0,
        'Pd': 0.0,
        'Fa_1e-6': pytest.approx(1e6 / 64)
    }


# ---------------------------------------------------------------------------
# Thresholds, keys and the stored results.
# ---------------------------------------------------------------------------


def test_threshold_is_applied_to_the_probability(irstd_reference):
    gt = irstd_reference.binary_image((6, 6), (2, 2))
    prob = np.zeros((6, 6), dtype=np.float32)
    prob[2, 2] = 0.4
    assert evaluate([(prob, gt)])['Pd'] == 0.0
    assert evaluate([(prob, gt)], threshold=0.3)['Pd'] == 100.0
    # prob > t, strictly.
    assert evaluate([(prob, gt)], threshold=0.4)['Pd'] == 0.0


def test_pred_sem_seg_is_ignored(irstd_reference):
    gt = irstd_reference.binary_image((6, 6), (2, 2))
    sample = make_sample(gt.astype(np.float32), gt)
    sample['pred_sem_seg']['data'].zero_()
    metric = IRSTDMetric()
    metric.process({}, [sample])
    assert metric.evaluate(1)['IoU'] == 100.0


def test_multi_threshold_keys_equal_single_threshold_runs(irstd_reference):
    samples = irstd_reference.random_dataset(seed=7)
    extra = [0.3, 0.7, 0.5]
    results = evaluate(samples, threshold=0.5, thresholds=extra)
    assert set(results) == set(NAMES) | {
        f'{name}@{t:.2f}'
        for name in NAMES for t in extra
    }
    for threshold in extra:
        single = evaluate(samples, threshold=threshold)
        for name in NAMES:
            assert results[f'{name}@{threshold:.2f}'] == single[name]
    assert results['IoU@0.30'] != results['IoU@0.70']


def test_prefix_and_registry(irstd_reference):
    metric = METRICS.build(
        dict(type='IRSTDMetric', thresholds=[0.25], prefix='irstd'))
    assert isinstance(metric, IRSTDMetric)
    gt = irstd_reference.binary_image((6, 6), (2, 2))
    metric.process({}, [make_sample(gt.astype(np.float32), gt)])
    results = metric.evaluate(1)
    assert set(results) == {
        'irstd/IoU', 'irstd/nIoU', 'irstd/Pd', 'irstd/Fa_1e-6',
        'irstd/IoU@0.25', 'irstd/nIoU@0.25', 'irstd/Pd@0.25',
        'irstd/Fa_1e-6@0.25'
    }


def test_results_hold_only_small_integer_counts(irstd_reference):
    samples = irstd_reference.random_dataset(seed=0)
    metric = IRSTDMetric(thresholds=[0.3, 0.7])
    metric.process({}, [make_sample(p, g) for p, g in samples])
    assert len(metric.results) == len(samples)
    for result in metric.results:
        assert type(result) is tuple and len(result) == 3
        for counts in result:
            assert type(counts) is tuple and len(counts) == 6
            assert all(type(value) is int for value in counts)


# ---------------------------------------------------------------------------
# Errors.
# ---------------------------------------------------------------------------


def test_missing_seg_logits_raises(irstd_reference):
    gt = irstd_reference.binary_image((6, 6), (2, 2))
    sample = make_sample(gt.astype(np.float32), gt)
    del sample['seg_logits']
    with pytest.raises(ValueError, match='one-channel binary head'):
        IRSTDMetric().process({}, [sample])


def test_multi_channel_seg_logits_raises(irstd_reference):
    gt = irstd_reference.binary_image((6, 6), (2, 2))
    sample = make_sample(gt.astype(np.float32), gt)
    sample['seg_logits']['data'] = torch.zeros(2, 6, 6)
    with pytest.raises(ValueError, match='one-channel binary head'):
        IRSTDMetric().process({}, [sample])


def test_logits_instead_of_probabilities_raise(irstd_reference):
    gt = irstd_reference.binary_image((6, 6), (2, 2))
    sample = make_sample(gt.astype(np.float32), gt)
    sample['seg_logits']['data'] = torch.full((1, 6, 6), -3.0)
    with pytest.raises(ValueError, match='sigmoid probability'):
        IRSTDMetric().process({}, [sample])


def test_size_mismatch_raises():
    sample = make_sample(np.zeros((6, 6)), np.zeros((6, 7)))
    with pytest.raises(ValueError, match='shape'):
        IRSTDMetric().process({}, [sample])


@pytest.mark.parametrize('threshold', [0, 0.0, 1, 1.0, -0.1, 1.5, '0.5'])
def test_invalid_threshold(threshold):
    with pytest.raises(ValueError, match='threshold'):
        IRSTDMetric(threshold=threshold)


@pytest.mark.parametrize('thresholds', [[0.0], [1.0], [0.3, 1.2], ['0.3'],
                                        [0.301, 0.304], 0.3, '0.3'])
def test_invalid_thresholds(thresholds):
    with pytest.raises(ValueError, match='thresholds'):
        IRSTDMetric(thresholds=thresholds)


@pytest.mark.parametrize('hse_thresholds', [[], [0.0, 0.5], [0.5, 0.501]])
def test_invalid_hse_thresholds(hse_thresholds):
    with pytest.raises(ValueError, match='hse_thresholds'):
        IRSTDMetric(hse=True, hse_thresholds=hse_thresholds)


def test_invalid_hse_fa_ref():
    with pytest.raises(ValueError, match='hse_fa_ref'):
        IRSTDMetric(hse=True, hse_fa_ref=0)


@pytest.mark.parametrize('match_distance', [0, 0.0, -1.0, float('nan'), '3'])
def test_invalid_match_distance(match_distance):
    with pytest.raises(ValueError, match='match_distance'):
        IRSTDMetric(match_distance=match_distance)


# ---------------------------------------------------------------------------
# Protocols and the empty-image rule.
# ---------------------------------------------------------------------------

PROTOCOLS = ('basicirstd', 'dnanet', 'opdc', 'shooting')


def test_default_protocol_is_basicirstd(irstd_reference):
    samples = irstd_reference.random_dataset(seed=3)
    assert evaluate(samples, thresholds=[0.3]) == evaluate(
        samples, thresholds=[0.3], protocol='basicirstd')


@pytest.mark.parametrize('protocol', PROTOCOLS)
@pytest.mark.parametrize('niou_empty', ['zero', 'skip'])
def test_protocols_reduce_their_per_image_counts(protocol, niou_empty,
                                                 irstd_reference):
    samples = irstd_reference.random_dataset(seed=1)
    results = evaluate(
        samples, thresholds=[0.3, 0.7], protocol=protocol,
        niou_empty=niou_empty)
    for suffix, threshold in (('', 0.5), ('@0.30', 0.3), ('@0.70', 0.7)):
        counts = [
            image_counts.threshold_image_counts(p, g, [threshold], 3.0,
                                                protocol)[0]
            for p, g in samples
        ]
        expected = summary.summarize_counts(counts, niou_empty,
                                            protocol == 'opdc')
        assert results[f'IoU{suffix}'] == pytest.approx(100 *
                                                        expected['IoU'])
        assert results[f'nIoU{suffix}'] == pytest.approx(100 *
                                                         expected['nIoU'])
        assert results[f'Pd{suffix}'] == pytest.approx(100 * expected['Pd'])
        assert results[f'Fa_1e-6{suffix}'] == pytest.approx(1e6 *
                                                            expected['Fa'])
        if protocol == 'opdc':
            assert results[f'hIoU{suffix}'] == pytest.approx(
                100 * expected['hIoU'])


def test_protocols_differ_on_random_data(irstd_reference):
    samples = irstd_reference.random_dataset(seed=0)
    pd_fa = {
        protocol: (r['Pd'], r['Fa_1e-6'])
        for protocol in PROTOCOLS
        for r in [evaluate(samples, protocol=protocol)]
    }
    assert len(set(pd_fa.values())) == 4


@pytest.mark.parametrize('protocol', PROTOCOLS)
def test_protocol_keys(protocol, irstd_reference):
    samples = irstd_reference.random_dataset(seed=0)
    names = NAMES + (('hIoU', ) if protocol == 'opdc' else ())
    results = evaluate(samples, thresholds=[0.3], protocol=protocol)
    assert set(results) == set(names) | {f'{n}@0.30' for n in names}
    single = evaluate(samples, threshold=0.3, protocol=protocol)
    for name in names:
        assert results[f'{name}@0.30'] == single[name]


def test_opdc_results_keep_what_hiou_needs(irstd_reference):
    samples = irstd_reference.random_dataset(seed=0)
    metric = IRSTDMetric(protocol='opdc')
    metric.process({}, [make_sample(p, g) for p, g in samples])
    for (counts, ) in metric.results:
        assert len(counts) == 8 and type(counts[7]) is float


def test_niou_empty_rule():
    # A target found exactly and an empty frame with nothing predicted:
    # 'zero' averages 1 and 0, 'skip' leaves the empty frame out.
    gt = np.zeros((8, 8), dtype=np.uint8)
    gt[2, 2] = 1
    empty = np.zeros((8, 8), dtype=np.uint8)
    samples = [(gt.astype(np.float32), gt), (empty.astype(np.float32), empty)]
    assert evaluate(samples)['nIoU'] == 50.0
    assert evaluate(samples, niou_empty='skip')['nIoU'] == 100.0
    assert evaluate(samples, niou_empty='skip')['Fa_1e-6'] == 0.0


def test_table_names_protocol_rule_and_unit(monkeypatch, irstd_reference):
    messages = []
    monkeypatch.setattr(irstd_metric, 'print_log',
                        lambda msg, **kwargs: messages.append(msg))
    samples = irstd_reference.random_dataset(seed=0)
    evaluate(samples, protocol='opdc', thresholds=[0.3])
    text = messages[-1]
    assert "protocol 'opdc'" in text and 'PyIRSTDMetrics OPDC' in text
    assert 'Fa (×1e-6)' in text and 'hIoU (%)' in text
    assert '(2 without a target)' in text
    assert "niou_empty='zero'" in text
    evaluate(samples, protocol='dnanet', niou_empty='skip', match_distance=2)
    text = messages[-1]
    assert "protocol 'dnanet'" in text and '256x256' in text
    assert '< 2 px' in text and "niou_empty='skip'" in text
    assert 'hIoU' not in text


@pytest.mark.parametrize('protocol', ['BasicIRSTD', 'acm', None, 1])
def test_invalid_protocol(protocol):
    with pytest.raises(ValueError, match='protocol'):
        IRSTDMetric(protocol=protocol)


@pytest.mark.parametrize('rule', ['one', '', None])
def test_invalid_niou_empty(rule):
    with pytest.raises(ValueError, match='niou_empty'):
        IRSTDMetric(niou_empty=rule)
