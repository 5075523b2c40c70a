"""The config's test pipeline, made to load frames for inference."""
import copy
import warnings
from typing import Callable, Optional, Sequence

from mmcv.transforms import Compose
from mmengine.config import Config

from .image_inputs import Frame, frame_results
from .inference_results import Chunk, SkippedFrame

# Transforms of a test pipeline that need a label, which inference has not.
ANNOTATION_LOADERS = ('LoadBinaryAnnotations', 'LoadAnnotations',
                      'LoadDepthAnnotation')
# The IRSTD test pipeline, for a config without a test dataloader.
DEFAULT_TEST_PIPELINE = [
    dict(type='LoadIRImageFromFile'),
    dict(type='PackSegInputs')
]


def config_test_pipeline(cfg: Config) -> list:
    """The test pipeline of a config (of its first dataset if several).

    Args:
        cfg (Config): A network, FDEP or distillation config.

    Returns:
        list[dict]: The pipeline's transforms; the IRSTD test pipeline
        (``LoadIRImageFromFile``, ``PackSegInputs``) if the config has no
        test dataloader.
    """
    dataset = cfg.get('test_dataloader', {}).get('dataset')
    # Wrappers (ConcatDataset, RepeatDataset) hold their datasets inside.
    while dataset is not None and 'pipeline' not in dataset:
        inner = dataset.get('datasets') or [dataset.get('dataset')]
        dataset = inner[0]
    if dataset is None:
        return copy.deepcopy(DEFAULT_TEST_PIPELINE)
    return copy.deepcopy(list(dataset['pipeline']))


def get_transform_index(steps: list, name: str) -> int:
    """Where the first transform of a type is in a pipeline.

    Args:
        steps (list[dict]): The pipeline's transforms.
        name (str): A transform type.

    Returns:
        int: Its index, -1 if absent.
    """
    return next(
        (index for index, step in enumerate(steps) if step['type'] == name),
        -1)


def inference_pipeline(cfg: Config,
                       high_bit_scale: Optional[str] = None) -> Compose:
    """The config's test pipeline, loading paths and arrays.

    The annotation loader is dropped (inference has no labels) and
    ``LoadIRImageFromFile`` becomes
    :class:`mmdsad.datasets.transforms.IRSTDInferencerLoader` with the same
    arguments, which also takes arrays (mmseg's inferencer swaps
    ``LoadImageFromFile`` for its ``InferencerLoader`` the same way).

    Args:
        cfg (Config): The config.
        high_bit_scale (str, optional): Overrides the loader's 16-bit
            scale ('full' or 'minmax').

    Returns:
        Compose: The pipeline, taking
        :func:`mmdsad.apis.image_inputs.frame_results` dicts.

    Raises:
        ValueError: The test pipeline has no ``LoadIRImageFromFile``.
    """
    steps = [
        step for step in config_test_pipeline(cfg)
        if step['type'] not in ANNOTATION_LOADERS
    ]
    index = get_transform_index(steps, 'LoadIRImageFromFile')
    if index == -1:
        raise ValueError(
            'the test pipeline of the config has no LoadIRImageFromFile '
            f'({[step["type"] for step in steps]}); IRSTD frames are '
            'loaded by it (grey to RGB, 16-bit scaled)')
    loader = dict(steps[index], type='IRSTDInferencerLoader')
    if high_bit_scale is not None:
        loader['high_bit_scale'] = high_bit_scale
    steps[index] = loader
    return Compose(steps)


def load_chunk(pipeline: Callable, collate_fn: Callable,
               frames: Sequence[Frame]) -> Chunk:
    """Run the pipeline on some frames, skipping the unusable ones.

    Args:
        pipeline (Callable): From :func:`inference_pipeline`.
        collate_fn (Callable): The inferencer's (``pseudo_collate``).
        frames (Sequence[tuple[str, str | np.ndarray]]): Named frames.

    Returns:
        Chunk: The frames' names, the unusable ones (each warned about:
        an undecodable file, an empty array, another dtype or shape) and
        the others collated, each sample's metainfo holding
        ``frame_name``.
    """
    loaded, skipped = [], {}
    for position, (name, source) in enumerate(frames):
        try:
            packed = pipeline(frame_results(name, source))
        except (OSError, ValueError) as error:
            # The inferencer's caller is four frames up (run, preprocess).
            warnings.warn(f'skipping {name}: {error}', stacklevel=4)
            skipped[position] = SkippedFrame(name, str(error))
            continue
        packed['data_samples'].set_metainfo(dict(frame_name=name))
        loaded.append(packed)
    return Chunk([name for name, _ in frames], skipped,
                 collate_fn(loaded) if loaded else None)
