"""Turn a trusted full checkpoint into a weights-only one.

mmdsad loads checkpoints with ``torch.load(weights_only=True)``. A full
mmengine checkpoint (optimizer state, message hub, numpy objects) cannot be
loaded that way. This tool, run once on a checkpoint **from a source you
trust**, keeps its state dict and plain metadata, so the result loads
safely anywhere: as a teacher (``teacher_ckpt``), with ``load_from``, or in
``tools/test.py``.

``--strip-prefix architecture.`` extracts a distilled student from an MMRazor
distillation checkpoint (the student lives under ``architecture.``), so that
the student's own config loads it.

Example:
    python tools/model_converters/to_weights_only.py \
        work_dirs/dnanet_num16_nudt/best_IoU_epoch_1500.pth \
        checkpoints/dnanet_num16_nudt.pth
"""
import argparse

from mmdsad.utils.weights_only import convert_to_weights_only


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert a trusted checkpoint to a weights-only one')
    parser.add_argument('src', help='checkpoint to convert (trusted source)')
    parser.add_argument('dst', help='weights-only checkpoint to write')
    parser.add_argument(
        '--strip-prefix',
        help='keep only the state-dict entries under this prefix, without '
        'it (e.g. "architecture." for a distilled student)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    summary = convert_to_weights_only(args.src, args.dst, args.strip_prefix)
    print(f'wrote {args.dst}: {summary["num_tensors"]} tensors, '
          f'{summary["num_params"] / 1e6:.4f} M values')


if __name__ == '__main__':
    main()
