"""CPU latency of teachers and students (a CPU version of DSAD Table 7).

For each network, the teacher (num16) and the student (num4) run as
deployed (normalisation, network, sigmoid: ``DeployedNetwork``) on one
1x3x256x256 image, in PyTorch eager mode and in ONNX Runtime, all in one
process with the same thread count, so that ratios are comparable. Each
time is the median of ``--runs`` runs after ``--warmup`` runs. Weights are
random: latency does not depend on their values. ONNX Runtime's output
is compared with eager's on the same image (largest difference, masks at
0.5); with random weights the masks can be trivial, so the mask parity
that counts is tests/test_apis/test_onnx_export.py's.

It prints one row per model (MACs, time per runtime, the GMAC/s each time
means) and the student/teacher speed-up per runtime beside the paper's
NVIDIA AGX and Ascend-310B speed-ups.

Example (on a quiet machine; about 10 minutes with 1 thread):
    python tools/analysis_tools/benchmark_latency.py --threads 1 \
        --out-json work_dirs/latency.json
"""
import argparse
import json
import os
import os.path as osp
import statistics
import tempfile
import time
from typing import Callable, Dict

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from mmdsad.analysis import count_complexity
from mmdsad.apis import DeployedNetwork, export_onnx

# (teacher, student) configs per network.
NETWORKS = {
    'DNANet': ('configs/dnanet/dnanet_num16_nudt.py',
               'configs/dnanet/dnanet_num4_nudt.py'),
    'AMFU-Net': ('configs/amfunet/amfunet_num16_nudt.py',
                 'configs/amfunet/amfunet_num4_nudt.py'),
    'DMFNet': ('configs/dmfnet/dmfnet_num16_nudt.py',
               'configs/dmfnet/dmfnet_num4_nudt.py'),
}
# DSAD Table 7 (256x256, batch 1): student/teacher speed-ups.
PAPER_SPEEDUPS = {
    'DNANet': dict(agx=2.66, ascend=2.77),
    'AMFU-Net': dict(agx=2.59, ascend=2.34),
    'DMFNet': dict(agx=2.96, ascend=2.80),
}
PROTOCOL_RUNS = 20
REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='CPU latency of IRSTD teachers and students')
    parser.add_argument('--threads', type=int, default=1,
                        help='intra-op threads of both runtimes')
    parser.add_argument('--runs', type=int, default=PROTOCOL_RUNS,
                        help='timed runs per model (median reported)')
    parser.add_argument('--warmup', type=int, default=5,
                        help='untimed runs first')
    parser.add_argument('--shape', type=int, nargs=2, default=[256, 256],
                        metavar=('H', 'W'), help='input size')
    parser.add_argument('--networks', nargs='+', choices=list(NETWORKS),
                        default=list(NETWORKS))
    parser.add_argument('--out-json', help='also write the figures here')
    return parser.parse_args()


def median_ms(run: Callable[[], object], warmup: int, runs: int) -> float:
    """Median wall time of ``run`` in milliseconds, after ``warmup`` calls.

    Args:
        run (Callable): The call to time.
        warmup (int): Untimed calls first.
        runs (int): Timed calls.

    Returns:
        float: Median time in ms.
    """
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(1e3 * (time.perf_counter() - start))
    return statistics.median(times)


def benchmark_model(config: str, args: argparse.Namespace,
                    images: torch.Tensor, work_dir: str) -> Dict:
    """Time one model in both runtimes and compare their masks.

    Args:
        config (str): Network config path.
        args (argparse.Namespace): Runs, warm-up, threads.
        images (Tensor): The (1, 3, H, W) input.
        work_dir (str): Where the ONNX file is written.

    Returns:
        dict: ``gmacs``, ``eager_ms``, ``onnxruntime_ms``,
        ``max_abs_diff`` and ``masks_equal``.
    """
    import onnxruntime
    cfg = Config.fromfile(osp.join(REPO_ROOT, config))
    init_default_scope('mmseg')
    network = DeployedNetwork(MODELS.build(cfg.model)).eval()
    gmacs = count_complexity(cfg, tuple(images.shape[1:]))['flops'] / 1e9
    onnx_file = osp.join(work_dir, osp.basename(config) + '.onnx')
    # A private temporary folder: a repeated network may replace its file.
    export_onnx(network, onnx_file, overwrite=True)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        onnx_file, options, providers=['CPUExecutionProvider'])
    feed = {'images': images.numpy()}
    with torch.no_grad():
        eager_ms = median_ms(lambda: network(images), args.warmup, args.runs)
        expected = network(images).numpy()
    onnxruntime_ms = median_ms(lambda: session.run(None, feed), args.warmup,
                               args.runs)
    actual = session.run(None, feed)[0]
    return dict(
        gmacs=gmacs,
        eager_ms=eager_ms,
        onnxruntime_ms=onnxruntime_ms,
        max_abs_diff=float(np.abs(actual - expected).max()),
        masks_equal=bool(((actual > 0.5) == (expected > 0.5)).all()))


def print_tables(results: Dict[str, Dict[str, Dict]]) -> None:
    """Print the per-model table and the speed-up table."""
    print('| network | model | GMACs | eager ms | ORT ms | ORT vs eager '
          '| eager GMAC/s | ORT GMAC/s | masks equal | max abs diff |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    for name, models in results.items():
        for role, r in models.items():
            print(f'| {name} | {role} | {r["gmacs"]:.2f} '
                  f'| {r["eager_ms"]:.1f} | {r["onnxruntime_ms"]:.1f} '
                  f'| {r["eager_ms"] / r["onnxruntime_ms"]:.2f}x '
                  f'| {r["gmacs"] / r["eager_ms"] * 1e3:.1f} '
                  f'| {r["gmacs"] / r["onnxruntime_ms"] * 1e3:.1f} '
                  f'| {r["masks_equal"]} | {r["max_abs_diff"]:.1e} |')
    print('\n| network | eager student/teacher | ORT student/teacher '
          '| paper AGX | paper Ascend-310B |')
    print('|---|---|---|---|---|')
    for name, models in results.items():
        teacher, student = models['teacher'], models['student']
        paper = PAPER_SPEEDUPS[name]
        print(f'| {name} '
              f'| {teacher["eager_ms"] / student["eager_ms"]:.2f}x '
              f'| {teacher["onnxruntime_ms"] / student["onnxruntime_ms"]:.2f}x'
              f' | {paper["agx"]:.2f}x | {paper["ascend"]:.2f}x |')


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    if args.runs < PROTOCOL_RUNS:
        print(f'note: {args.runs} runs per model, fewer than the '
              f'{PROTOCOL_RUNS} of the protocol')
    print(f'threads: {args.threads} (torch and ONNX Runtime), input '
          f'1x3x{args.shape[0]}x{args.shape[1]}, median of {args.runs} '
          f'runs after {args.warmup} warm-up, CPU: {os.cpu_count()} cores '
          f'visible, torch {torch.__version__}')
    images = torch.rand(1, 3, *args.shape) * 255
    results: Dict[str, Dict[str, Dict]] = {}
    with tempfile.TemporaryDirectory() as work_dir:
        for name in args.networks:
            teacher, student = NETWORKS[name]
            results[name] = {
                role: benchmark_model(config, args, images, work_dir)
                for role, config in (('teacher', teacher), ('student',
                                                            student))
            }
    print_tables(results)
    if args.out_json:
        with open(args.out_json, 'w') as file:
            json.dump(dict(settings=vars(args), results=results), file,
                      indent=1)


if __name__ == '__main__':
    main()
