"""Run a trained IRSTD network over frames: masks, overlays, targets.

Writes, into a new output folder (an existing one is refused, so earlier
results are never overwritten):

* ``masks/<output>``: the binary mask (0 / 255) at the frame's size;
* ``overlays/<output>``: the frame with the mask in red and a green box
  around each target (the inferencer's
  :class:`mmdsad.visualization.IRSTDVisualizer` draws them);
* ``targets.json``: per frame its name, path, output file name, size and
  targets (centroid, box, area, peak probability), the frames skipped as
  unreadable and why, and the run's summary.

``<output>`` is the frame's whole file name plus ``.png`` (``a.jpg`` gives
``a.jpg.png``), so frames differing only in extension never overwrite each
other; a file name given twice (from two folders) gets ``~2``, ``~3``
(see :func:`mmdsad.apis.image_inputs.output_names`).

Example:
    python tools/infer.py configs/dnanet/dnanet_num4_nudt.py student.pth \
        frames/ --out-dir work_dirs/infer_frames
    # large frames, sliced into overlapping 256x256 tiles
    python tools/infer.py CONFIG CKPT big/ --out-dir OUT \
        --slide 256 256 --slide-stride 192 192
    # the exported ONNX file in OpenVINO, one thread
    python tools/infer.py CONFIG student.onnx frames/ --out-dir OUT \
        --backend openvino --threads 1
"""
import argparse
import json
import os
import os.path as osp
import time
from typing import List

import cv2
import numpy as np
from rich.progress import Progress

from mmdsad.apis import FrameResult, IRSTDInferencer
from mmdsad.apis.backends import INFERENCE_BACKENDS
from mmdsad.apis.image_inputs import collect_frames, output_names


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Detect infrared small targets in frames')
    parser.add_argument('config', help='network config')
    parser.add_argument(
        'checkpoint', help='weights-only checkpoint (or .onnx with '
        '--backend onnxruntime or openvino[_bf16]; an OpenVINO IR .xml with '
        'openvino)')
    parser.add_argument(
        'inputs', nargs='+', help='image files, folders or glob patterns')
    parser.add_argument(
        '--out-dir', required=True, help='output folder (must not exist)')
    parser.add_argument(
        '--backend',
        choices=list(INFERENCE_BACKENDS.module_dict),
        default='pytorch')
    parser.add_argument(
        '--threads', type=int, help='intra-op threads of the runtime '
        '(default: its own, all cores)')
    parser.add_argument(
        '--slide',
        type=int,
        nargs=2,
        metavar=('CROP_H', 'CROP_W'),
        help="sliced inference with tiles of this size (mmseg's slide "
        'mode), for frames larger than the network was trained on')
    parser.add_argument(
        '--slide-stride',
        type=int,
        nargs=2,
        metavar=('STRIDE_H', 'STRIDE_W'),
        help='tile step (default: 3/4 of the tile, i.e. 1/4 overlap)')
    parser.add_argument(
        '--high-bit-scale',
        choices=['full', 'minmax'],
        help='how 16-bit frames are mapped to [0, 255] (as in training; '
        "default: the config's test pipeline's, 'full' if it sets none)")
    parser.add_argument(
        '--batch-size',
        type=int,
        default=1,
        help='frames preprocessed together; those of one size among them '
        'run as one batch (results change only by float rounding)')
    args = parser.parse_args()
    if args.batch_size < 1:
        parser.error('--batch-size must be >= 1')
    return args


def write_png(path: str, image: np.ndarray) -> None:
    """Write an image, failing loudly (cv2.imwrite only returns False).

    Args:
        path (str): Output ``.png`` path.
        image (np.ndarray): uint8 image.

    Raises:
        OSError: The file could not be written.
    """
    if not cv2.imwrite(path, image):
        raise OSError(f'could not write {path}')


def main() -> None:
    args = parse_args()
    if osp.exists(args.out_dir):
        raise FileExistsError(
            f'--out-dir {args.out_dir} exists; choose a new folder (results '
            'of an earlier run are not overwritten)')
    slide = None
    if args.slide:
        stride = args.slide_stride or [size * 3 // 4 for size in args.slide]
        slide = (tuple(args.slide), tuple(stride))
    elif args.slide_stride:
        raise ValueError('--slide-stride needs --slide CROP_H CROP_W')
    inferencer = IRSTDInferencer(
        args.config,
        args.checkpoint,
        backend=args.backend,
        slide=slide,
        high_bit_scale=args.high_bit_scale,
        threads=args.threads)
    frames = collect_frames(args.inputs)
    for folder in ('masks', 'overlays'):
        os.makedirs(osp.join(args.out_dir, folder))
    outputs = output_names([name for name, _ in frames])
    records: List[dict] = []
    skipped: List[dict] = []
    start = time.perf_counter()
    with Progress() as progress:
        task = progress.add_task('inference', total=len(frames))
        if slide:
            # A large frame is many tiles: show them, frame by frame.
            tiles = progress.add_task('tiles of the frame', total=None)
            inferencer.on_tile = lambda done, total: progress.update(
                tiles, completed=done, total=total)
        # The expanded paths, so that outcomes pair with ``frames`` one to
        # one (run yields one outcome per frame, in order).
        outcomes = inferencer.run([path for _, path in frames],
                                  batch_size=args.batch_size,
                                  return_vis=True)
        for (_, path), output, outcome in zip(frames, outputs, outcomes):
            progress.advance(task)
            if not isinstance(outcome, FrameResult):
                skipped.append(
                    dict(name=outcome.name, path=path, reason=outcome.reason))
                continue
            write_png(
                osp.join(args.out_dir, 'masks', output),
                outcome.mask.astype(np.uint8) * 255)
            # The visualizer draws in RGB; OpenCV writes BGR.
            write_png(
                osp.join(args.out_dir, 'overlays', output),
                cv2.cvtColor(outcome.overlay, cv2.COLOR_RGB2BGR))
            records.append(
                dict(
                    name=outcome.name,
                    path=path,
                    output=output,
                    height=outcome.mask.shape[0],
                    width=outcome.mask.shape[1],
                    targets=[t.to_dict() for t in outcome.targets]))
    seconds = time.perf_counter() - start
    num_targets = sum(len(record['targets']) for record in records)
    summary = dict(
        frames=len(records),
        skipped=len(skipped),
        targets=num_targets,
        seconds=round(seconds, 3),
        frames_per_second=round(len(records) / seconds, 3)
        if seconds > 0 else None)
    with open(osp.join(args.out_dir, 'targets.json'), 'w') as file:
        json.dump(
            dict(
                config=args.config,
                checkpoint=args.checkpoint,
                backend=args.backend,
                slide=slide,
                frames=records,
                skipped=skipped,
                summary=summary),
            file,
            indent=1)
    for item in skipped:
        print(f'skipped {item["name"]}: {item["reason"]}')
    print(f'{summary["frames"]} frames, {num_targets} targets, '
          f'{summary["frames_per_second"]} frames/s'
          f'{f", {len(skipped)} skipped" if skipped else ""}; '
          f'results in {args.out_dir}')


if __name__ == '__main__':
    main()
