"""INT8 post-training quantization of an exported student, with its cost.

Calibrates ONNX Runtime's static quantizer on frames of the config's
*training* split (``train_dataloader``; never the test split) and writes a
QDQ ONNX file (:func:`mmdsad.apis.quantize_onnx`); with
``--openvino-out``, NNCF's quantization on the same frames too, as an
OpenVINO IR (:func:`mmdsad.apis.quantize_openvino`). Then, unless
``--no-eval``, it tests on the *test* split (``test_dataloader``) each
``--backends`` runtime on the files it runs: ONNX Runtime and OpenVINO the
fp32 and the QDQ files (OpenVINO the NNCF IR too), ``openvino_bf16`` the
fp32 file in bfloat16; and, with ``--checkpoint``, the PyTorch network
they were exported from. Each goes through
:class:`mmdsad.apis.IRSTDInferencer` at the head's threshold; it prints
IoU, nIoU, Pd and Fa per model, with each model's masks against the first
row's: the frames whose masks agree wherever the first row's probability
is clear of the threshold by 2e-4 (float noise).

Calibration settings (``--calib-frames``) are chosen without the test
split: ``--val-fraction`` holds out a share of the training ids (the
split of :func:`mmdsad.datasets.val_split.carve_val_split`, as
``compare_distill.py --tune`` carves it) that calibration never reads, and
``--eval-split val`` tests on those held-out frames instead of the test
split. Run each candidate so, pick by the INT8 rows' loss against fp32,
then run the chosen one with the same ``--val-fraction`` and
``--eval-split test`` (the same calibration frames, so the same INT8
files; docs/results.md has the choice made for the CPU-protocol
students).

Example:
    python tools/deployment/quantize_onnx.py \
        configs/cpu_protocol/dnanet_num4_nudt_cpu.py student.onnx \
        --out student_int8.onnx --openvino-out student_int8.xml \
        --data-root ../shared/datasets/NUDT-SIRST \
        --checkpoint student.pth --out-json work_dirs/int8.json
"""
import argparse
import json
import time
from typing import Dict, List, Optional

import numpy as np
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import DATASETS

from mmdsad.apis import (
    IRSTDInferencer,
    check_onnx_output,
    network_config,
    quantize_onnx,
    quantize_openvino,
)
from mmdsad.apis.backends.base import padding_stride
from mmdsad.apis.backends.onnx_file_backend import padded_batch
from mmdsad.apis.image_inputs import read_frame
from mmdsad.apis.openvino_quantization import ir_weights_file
from mmdsad.evaluation.functional import (
    summarize_counts,
    threshold_image_counts,
)
from mmdsad.utils.cli import set_data_root

# Masks are compared away from float noise at the threshold (the margin of
# tests/test_apis/mask_parity.py).
MASK_MARGIN = 2e-4
METRICS = ('IoU', 'nIoU', 'Pd', 'Fa')
BACKENDS = ('onnxruntime', 'openvino', 'openvino_bf16')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='the network config')
    parser.add_argument('model', help='the fp32 ONNX file (pytorch2onnx.py)')
    parser.add_argument('--out', required=True, help='INT8 ONNX file')
    parser.add_argument(
        '--openvino-out', help='also quantize with NNCF into this OpenVINO '
        'IR (.xml, and its .bin beside it)')
    parser.add_argument('--data-root', help='dataset root (SIRST layout)')
    parser.add_argument(
        '--calib-frames', type=int, default=64,
        help='training frames to calibrate on (spread over the split)')
    parser.add_argument(
        '--overwrite', action='store_true',
        help='replace an existing --out (and --openvino-out, --out-json)')
    parser.add_argument(
        '--checkpoint', help='the PyTorch checkpoint the file came from, '
        'tested as the first row')
    parser.add_argument(
        '--backends', nargs='+', choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument(
        '--max-test-frames', type=int, help='test on the first N frames')
    parser.add_argument(
        '--val-fraction', type=float,
        help='hold out this share of the training ids from calibration '
        '(0 < F < 1)')
    parser.add_argument(
        '--val-split-seed', type=int, default=0, help='which held-out ids')
    parser.add_argument(
        '--eval-split', choices=('test', 'val'), default='test',
        help="'val': test on the held-out training frames "
        '(needs --val-fraction), to choose calibration settings')
    parser.add_argument('--no-eval', action='store_true')
    parser.add_argument(
        '--out-json', help='also write the table here (a new file)')
    args = parser.parse_args()
    if args.val_fraction is not None and not 0 < args.val_fraction < 1:
        parser.error('--val-fraction must be in (0, 1)')
    if args.eval_split == 'val' and args.val_fraction is None:
        parser.error('--eval-split val tests on held-out training frames: '
                     'pass --val-fraction too, e.g. --val-fraction 0.25')
    return args


def hold_out(cfg: Config, fraction: Optional[float], seed: int) -> None:
    """Keep the held-out training ids out of calibration, and make them the
    ``val`` split's frames."""
    if fraction is None:
        return
    dataset = cfg.train_dataloader.dataset
    if 'datasets' in dataset:
        raise ValueError(
            f'--val-fraction carves one SIRSTDataset split; the config\'s '
            f'train_dataloader.dataset is a {dataset.get("type")} of several. '
            'Pass a config with a single training dataset.')
    dataset.val_split = dict(fraction=fraction, seed=seed, subset='train')
    cfg.val_dataloader = dict(
        dataset=dict(dataset, val_split=dict(dataset.val_split, subset='val')))


def split_dataset(cfg: Config, loader: str, annotations: bool):
    """The dataset of one dataloader, loading frames (and masks) only."""
    dataset_cfg = cfg[loader].dataset.copy()
    dataset_cfg.pipeline = [dict(type='LoadIRImageFromFile')] + (
        [dict(type='LoadBinaryAnnotations')] if annotations else [])
    init_default_scope('mmseg')
    return DATASETS.build(dataset_cfg)


def calibration_frames(cfg: Config, count: int) -> List[str]:
    """``count`` training frames spread evenly over the training split."""
    dataset = split_dataset(cfg, 'train_dataloader', annotations=False)
    picks = np.linspace(0, len(dataset) - 1, min(count, len(dataset)))
    return [
        dataset.get_data_info(int(index))['img_path']
        for index in np.unique(picks.round().astype(int))
    ]


def calibration_batches(cfg: Config, paths: List[str]):
    """The frames as the exported graph takes them."""
    mean = np.asarray(network_config(cfg).data_preprocessor.mean, np.float32)
    stride = padding_stride(cfg)
    for path in paths:
        yield padded_batch(read_frame(path, path), mean, stride)


def evaluate(inferencer: IRSTDInferencer, samples: List[dict],
             reference: Optional[List[np.ndarray]]) -> Dict:
    """Metrics of one model on the test samples, and its masks' agreement
    with the reference probabilities (None for the reference itself)."""
    threshold = inferencer.threshold
    counts, probabilities, agree = [], [], 0
    start = time.perf_counter()
    for index, sample in enumerate(samples):
        result = inferencer(sample['img_path'])[0]
        probabilities.append(result.probabilities)
        counts.extend(
            threshold_image_counts(result.probabilities,
                                   sample['gt_seg_map'], [threshold]))
        if reference is not None:
            expected = reference[index]
            clear = np.abs(expected - threshold) > MASK_MARGIN
            agree += bool(((result.probabilities > threshold) == (
                expected > threshold))[clear].all())
    seconds = time.perf_counter() - start
    row = summarize_counts(counts)
    row.update(
        ms_per_frame=1e3 * seconds / len(samples),
        masks_agree=None if reference is None else f'{agree}/{len(samples)}')
    return dict(row=row, probabilities=probabilities)


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.data_root:
        set_data_root(cfg, args.data_root)
    hold_out(cfg, args.val_fraction, args.val_split_seed)
    if args.out_json:
        check_onnx_output(args.out_json, args.overwrite, [args.model],
                          'table', '--out-json int8.json')
    if args.openvino_out:
        # Refused before anything is written, not after the QDQ file.
        for path in (args.openvino_out, ir_weights_file(args.openvino_out)):
            check_onnx_output(path, args.overwrite, [args.model],
                              'OpenVINO IR', '--openvino-out model.xml')
    calibration = calibration_frames(cfg, args.calib_frames)
    used = quantize_onnx(
        args.model,
        args.out,
        calibration_batches(cfg, calibration),
        overwrite=args.overwrite)
    print(f'wrote {args.out}, calibrated on {used} training frames')
    if args.openvino_out:
        used = quantize_openvino(
            args.model,
            args.openvino_out,
            calibration_batches(cfg, calibration),
            overwrite=args.overwrite)
        print(f'wrote {args.openvino_out} (NNCF), calibrated on {used} '
              'training frames')
    if args.no_eval:
        return
    dataset = split_dataset(
        cfg, f'{args.eval_split}_dataloader', annotations=True)
    count = min(len(dataset), args.max_test_frames or len(dataset))
    samples = [dataset[index] for index in range(count)]
    models = ([('pytorch', 'fp32', args.checkpoint)]
              if args.checkpoint else [])
    for backend in args.backends:
        if backend == 'openvino_bf16':
            models.append((backend, 'bf16', args.model))
            continue
        models += [(backend, 'fp32', args.model),
                   (backend, 'int8 (QDQ)', args.out)]
        if backend == 'openvino' and args.openvino_out:
            models.append((backend, 'int8 (NNCF)', args.openvino_out))
    rows, reference = [], None
    for backend, precision, path in models:
        inferencer = IRSTDInferencer(
            cfg, path, backend=backend, threads=args.threads)
        outcome = evaluate(inferencer, samples, reference)
        reference = reference or outcome['probabilities']
        rows.append(dict(backend=backend, precision=precision, **outcome[
            'row']))
        print(rows[-1])
    print(f'\n{count} {args.eval_split} frames, threshold '
          f'{inferencer.threshold}, {args.threads} thread(s); masks vs the '
          'first row\n')
    print('| runtime | precision | IoU | nIoU | Pd | Fa (1e-6) | ms/frame '
          '| masks agree |')
    print('|---|---|---|---|---|---|---|---|')
    for row in rows:
        print(f'| {row["backend"]} | {row["precision"]} '
              f'| {100 * row["IoU"]:.2f} | {100 * row["nIoU"]:.2f} '
              f'| {100 * row["Pd"]:.2f} | {1e6 * row["Fa"]:.1f} '
              f'| {row["ms_per_frame"]:.1f} | {row["masks_agree"] or "—"} |')
    if args.out_json:
        with open(args.out_json, 'w') as file:
            json.dump(
                dict(
                    settings=vars(args),
                    calibration_frames=calibration,
                    eval_frames=[sample['img_path'] for sample in samples],
                    rows=rows),
                file,
                indent=1)


if __name__ == '__main__':
    main()
