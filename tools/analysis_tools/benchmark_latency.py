"""CPU latency of teachers and students per runtime, precision and threads.

Each network's teacher (num16) and student (num4) run as deployed
(normalisation, network, sigmoid: ``DeployedNetwork``) on one 1x3xSxS image
in PyTorch eager mode and, from the same exported ONNX file, in ONNX
Runtime and OpenVINO (the inferencer's backends,
:mod:`mmdsad.apis.backends`), in fp32, in INT8 (``int8``: the QDQ copy of
:func:`mmdsad.apis.quantize_onnx`, in both runtimes; ``int8-nncf``: NNCF's
OpenVINO IR of :func:`mmdsad.apis.quantize_openvino`), both calibrated
here on random frames, and, in OpenVINO, in bfloat16 (``bf16``: the
``openvino_bf16`` backend on the fp32 file; labelled ``bf16->f32`` where
the CPU has no bf16 and the plugin computed in f32). With random weights
only the quantized models' latency means anything; their accuracy is
``tools/deployment/quantize_onnx.py``'s. Every model runs at each
thread count and size, all in one process, so that ratios are
comparable. Each time is the median
of ``--runs`` runs after ``--warmup``. Weights are random: latency does not
depend on their values. Every runtime's output is compared with eager's on
the same image (largest difference, masks at 0.5).

It prints one table (network, width, runtime, precision, threads, size,
GMACs, ms, GMAC/s, speed-up over eager at the same threads and size, max
|diff| vs eager) and the student/teacher speed-up per runtime (fp32, the
first threads and size) beside the paper's NVIDIA AGX and Ascend-310B.
Timings under load (e.g. ``nice -n 19`` beside other jobs) are unreliable
in absolute terms; ratios within one run are less so.

Example (about 20 minutes on a quiet 2-core machine):
    python tools/analysis_tools/benchmark_latency.py --threads 1 2 \
        --sizes 256 512 --out-json work_dirs/latency.json
"""
import argparse
import json
import os
import os.path as osp
import statistics
import tempfile
import time
from typing import Any, Callable, Dict, List

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmdsad.analysis import count_complexity
from mmdsad.apis import (
    DeployedNetwork,
    export_onnx,
    quantize_onnx,
    quantize_openvino,
)
from mmdsad.apis.backends import INFERENCE_BACKENDS
from mmdsad.apis.backends.openvino_backend import OpenVINOBackend

# (teacher, student) configs per network.
NETWORKS = {
    'DNANet': ('configs/dnanet/dnanet_num16_nudt.py',
               'configs/dnanet/dnanet_num4_nudt.py'),
    'AMFU-Net': ('configs/amfunet/amfunet_num16_nudt.py',
                 'configs/amfunet/amfunet_num4_nudt.py'),
    'DMFNet': ('configs/dmfnet/dmfnet_num16_nudt.py',
               'configs/dmfnet/dmfnet_num4_nudt.py'),
}
WIDTHS = ('teacher', 'student')
RUNTIMES = ('onnxruntime', 'openvino')
PRECISIONS = ('fp32', 'bf16', 'int8', 'int8-nncf')
# (runtime, precision): (inference backend, precision of the model file).
VARIANTS = {
    ('onnxruntime', 'fp32'): ('onnxruntime', 'fp32'),
    ('onnxruntime', 'int8'): ('onnxruntime', 'int8'),
    ('openvino', 'fp32'): ('openvino', 'fp32'),
    ('openvino', 'bf16'): ('openvino_bf16', 'fp32'),
    ('openvino', 'int8'): ('openvino', 'int8'),
    ('openvino', 'int8-nncf'): ('openvino', 'int8-nncf'),
}
# DSAD Table 7 (256x256, batch 1): student/teacher speed-ups.
PAPER_SPEEDUPS = {
    'DNANet': dict(agx=2.66, ascend=2.77),
    'AMFU-Net': dict(agx=2.59, ascend=2.34),
    'DMFNet': dict(agx=2.96, ascend=2.80),
}
PROTOCOL_RUNS = 20
CALIBRATION_FRAMES = 4
REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='CPU latency of IRSTD teachers and students')
    parser.add_argument('--threads', type=int, nargs='+', default=[1],
                        help='intra-op thread counts (every runtime)')
    parser.add_argument('--sizes', type=int, nargs='+', default=[256],
                        help='square input sizes')
    parser.add_argument('--runs', type=int, default=PROTOCOL_RUNS,
                        help='timed runs per model (median reported)')
    parser.add_argument('--warmup', type=int, default=5,
                        help='untimed runs first')
    parser.add_argument('--networks', nargs='+', choices=list(NETWORKS),
                        default=list(NETWORKS))
    parser.add_argument('--widths', nargs='+', choices=WIDTHS,
                        default=list(WIDTHS))
    parser.add_argument('--runtimes', nargs='+', choices=RUNTIMES,
                        default=list(RUNTIMES))
    parser.add_argument('--precisions', nargs='+', choices=PRECISIONS,
                        default=list(PRECISIONS))
    parser.add_argument('--out-json', help='also write the figures here')
    return parser.parse_args()


def median_ms(run: Callable[[Any], object], inputs: Any, warmup: int,
              runs: int) -> float:
    """Median wall time of ``run(inputs)`` in ms, after ``warmup`` calls.

    Args:
        run (Callable): The call to time.
        inputs: Its argument.
        warmup (int): Untimed calls first.
        runs (int): Timed calls.

    Returns:
        float: Median time in ms.
    """
    for _ in range(warmup):
        run(inputs)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run(inputs)
        times.append(1e3 * (time.perf_counter() - start))
    return statistics.median(times)


def benchmark_model(config: str, args: argparse.Namespace,
                    work_dir: str) -> List[Dict]:
    """Time one model in every runtime, precision, thread count and size.

    Args:
        config (str): Network config path.
        args (argparse.Namespace): The command line.
        work_dir (str): Where the ONNX files are written.

    Returns:
        list[dict]: One row per runtime x precision x threads x size,
        eager first in each (threads, size).
    """
    cfg = Config.fromfile(osp.join(REPO_ROOT, config))
    init_default_scope('mmseg')
    network = DeployedNetwork(MODELS.build(cfg.model)).eval()
    files = dict(fp32=osp.join(work_dir, osp.basename(config) + '.onnx'))
    # A private temporary folder: a repeated network may replace its file.
    export_onnx(network, files['fp32'], overwrite=True)
    calibration = [
        np.random.default_rng(seed).uniform(
            0, 255, (1, 3, 64, 64)).astype(np.float32)
        for seed in range(CALIBRATION_FRAMES)
    ]
    stem = files['fp32'][:-len('.onnx')]
    if 'int8' in args.precisions:
        files['int8'] = stem + '_int8.onnx'
        quantize_onnx(files['fp32'], files['int8'], calibration,
                      overwrite=True)
    if 'int8-nncf' in args.precisions and 'openvino' in args.runtimes:
        files['int8-nncf'] = stem + '_int8_nncf.xml'
        quantize_openvino(files['fp32'], files['int8-nncf'], calibration,
                          overwrite=True)
    rows = []
    for size in args.sizes:
        gmacs = count_complexity(cfg, (3, size, size))['flops'] / 1e9
        images = torch.rand(1, 3, size, size) * 255
        for threads in args.threads:
            torch.set_num_threads(threads)
            with torch.no_grad():
                eager_ms = median_ms(network, images, args.warmup,
                                     args.runs)
                expected = network(images).numpy()
            setting = dict(threads=threads, size=size, gmacs=gmacs)
            rows.append(dict(runtime='eager', precision='fp32',
                             ms=eager_ms, max_abs_diff=0.0,
                             masks_equal=True, **setting))
            for runtime in args.runtimes:
                for precision in args.precisions:
                    if (runtime, precision) not in VARIANTS:
                        continue
                    backend_type, file_key = VARIANTS[runtime, precision]
                    backend = INFERENCE_BACKENDS.build(
                        dict(type=backend_type, model_file=files[file_key],
                             config=cfg, threads=threads))
                    if (precision == 'bf16'
                            and backend.precision != 'bf16'):
                        precision = f'bf16->{backend.precision}'
                    feed = images.numpy()
                    if isinstance(backend, OpenVINOBackend):
                        # As a camera's stream runs after its first
                        # seconds (a static model where the file has one).
                        backend.compile_static(feed.shape)
                    ms = median_ms(backend.run, feed, args.warmup,
                                   args.runs)
                    actual = backend.run(feed)
                    rows.append(dict(
                        runtime=runtime, precision=precision, ms=ms,
                        max_abs_diff=float(np.abs(actual - expected).max()),
                        masks_equal=bool(((actual > 0.5) == (
                            expected > 0.5)).all()),
                        **setting))
            for row in rows:
                if row['threads'] == threads and row['size'] == size:
                    row['vs_eager'] = eager_ms / row['ms']
    return rows


def print_tables(results: Dict[str, Dict[str, List[Dict]]]) -> None:
    """Print the per-model table and the speed-up table."""
    print('| network | model | runtime | precision | threads | size | GMACs '
          '| ms | GMAC/s | vs eager | masks equal | max abs diff |')
    print('|---|---|---|---|---|---|---|---|---|---|---|---|')
    for name, models in results.items():
        for role, rows in models.items():
            for r in rows:
                print(f'| {name} | {role} | {r["runtime"]} '
                      f'| {r["precision"]} | {r["threads"]} | {r["size"]} '
                      f'| {r["gmacs"]:.2f} | {r["ms"]:.1f} '
                      f'| {r["gmacs"] / r["ms"] * 1e3:.1f} '
                      f'| {r["vs_eager"]:.2f}x | {r["masks_equal"]} '
                      f'| {r["max_abs_diff"]:.1e} |')
    if not all(set(models) == set(WIDTHS) for models in results.values()):
        return
    print('\n| network | runtime | student/teacher (fp32, first threads '
          'and size) | paper AGX | paper Ascend-310B |')
    print('|---|---|---|---|---|')
    for name, models in results.items():
        paper = PAPER_SPEEDUPS[name]
        first = models['student'][0]
        for teacher, student in zip(models['teacher'], models['student']):
            if (student['precision'] != 'fp32'
                    or student['threads'] != first['threads']
                    or student['size'] != first['size']):
                continue
            print(f'| {name} | {student["runtime"]} '
                  f'| {teacher["ms"] / student["ms"]:.2f}x '
                  f'| {paper["agx"]:.2f}x | {paper["ascend"]:.2f}x |')


def main() -> None:
    args = parse_args()
    if args.runs < PROTOCOL_RUNS:
        print(f'note: {args.runs} runs per model, fewer than the '
              f'{PROTOCOL_RUNS} of the protocol')
    print(f'threads {args.threads}, sizes {args.sizes}, batch 1, median of '
          f'{args.runs} runs after {args.warmup} warm-up, CPU: '
          f'{os.cpu_count()} cores visible, torch {torch.__version__}')
    results: Dict[str, Dict[str, List[Dict]]] = {}
    with tempfile.TemporaryDirectory() as work_dir:
        for name in args.networks:
            configs = dict(zip(WIDTHS, NETWORKS[name]))
            results[name] = {
                role: benchmark_model(configs[role], args, work_dir)
                for role in args.widths
            }
    print_tables(results)
    if args.out_json:
        with open(args.out_json, 'w') as file:
            json.dump(dict(settings=vars(args), results=results), file,
                      indent=1)


if __name__ == '__main__':
    main()
