"""Turn a full checkpoint into a weights-only one (state dict + plain meta).

mmdsad loads checkpoints with ``torch.load(weights_only=True)``. This tool
reads a full mmengine / MMRazor training checkpoint the same way, with the
few classes such a checkpoint holds allowed by name (numpy arrays and
scalars, mmengine's HistoryBuffer), and keeps its state dict and plain
metadata, so the result loads anywhere with plain ``weights_only=True``: as
a teacher (``teacher_ckpt``), with ``load_from``, or in ``tools/test.py``.
A file that asks for anything else (e.g. ``posix.system``) is refused by
name; ``--unsafe-allow-code-execution`` unpickles it without restriction,
which runs any code it holds: only for a file whose source you trust.

``--strip-prefix architecture.`` extracts a distilled student from an MMRazor
distillation checkpoint (the student lives under ``architecture.``), so that
the student's own config loads it.

Example:
    python tools/model_converters/to_weights_only.py \
        work_dirs/dnanet_num16_nudt/best_IoU_epoch_1500.pth \
        checkpoints/dnanet_num16_nudt.pth
"""
import argparse

from mmdsad.utils import CheckpointReadError, UnsafeCheckpointError
from mmdsad.utils.weights_only import convert_to_weights_only


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert a checkpoint to a weights-only one')
    parser.add_argument('src', help='checkpoint to convert (kept)')
    parser.add_argument(
        'dst', help='weights-only checkpoint to write (a new file)')
    parser.add_argument(
        '--strip-prefix',
        help='keep only the state-dict entries under this prefix, without '
        'it (e.g. "architecture." for a distilled student)')
    parser.add_argument(
        '--overwrite', action='store_true', help='replace an existing dst')
    parser.add_argument(
        '--unsafe-allow-code-execution',
        action='store_true',
        help='unpickle src without restriction if the weights-only reader '
        'refuses it: ANY CODE IN THE FILE RUNS. Only for a file from a '
        'source you trust')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        summary = convert_to_weights_only(
            args.src,
            args.dst,
            args.strip_prefix,
            allow_code_execution=args.unsafe_allow_code_execution,
            overwrite=args.overwrite)
    except (FileNotFoundError, FileExistsError, KeyError,
            UnsafeCheckpointError, CheckpointReadError) as err:
        raise SystemExit(f'error: {err}') from None
    print(f'wrote {args.dst}: {summary["num_tensors"]} tensors, '
          f'{summary["num_params"] / 1e6:.4f} M values')


if __name__ == '__main__':
    main()
