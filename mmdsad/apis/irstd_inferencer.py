"""Run a trained IRSTD network on frames and get its targets out."""
from datetime import datetime
from typing import (
    Callable,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Union,
)

import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.structures import PixelData
from mmengine.visualization import Visualizer
from mmseg.apis import MMSegInferencer
from mmseg.registry import VISUALIZERS
from mmseg.structures import SegDataSample
from torch import nn

from .backend_model import BackendModel
from .backends import INFERENCE_BACKENDS, InferenceBackend
from .backends.base import Slide, TileCallback
from .image_inputs import Frame, ImageInput, collect_frames
from .inference_pipeline import inference_pipeline, load_chunk
from .inference_results import Chunk, FrameResult, SkippedFrame
from .network_loading import network_config
from .targets import find_targets

BACKENDS = tuple(INFERENCE_BACKENDS.module_dict)
CLASSES = ('background', 'target')
PALETTE = [[0, 0, 0], [255, 0, 0]]


class IRSTDInferencer(MMSegInferencer):
    """Probability maps, masks and targets of a trained IRSTD network.

    mmseg's inferencer with IRSTD's steps:

    * **Pipeline**: the config's test pipeline without its annotation
      loader, its ``LoadIRImageFromFile`` swapped for
      :class:`~mmdsad.datasets.transforms.IRSTDInferencerLoader` (same
      arguments; also loads uint8 / uint16 arrays of one or three channels
      as such files load: grey to RGB, 16-bit scaled by
      ``high_bit_scale``, warned about when 12-bit). An unusable frame (an
      undecodable file, an empty array, another dtype or shape) is skipped
      with a warning and a :class:`SkippedFrame`.
    * **Model**: the backend object built by name from
      :data:`~mmdsad.apis.backends.INFERENCE_BACKENDS`, behind
      ``test_step`` (:class:`BackendModel`), so nothing here branches on
      the runtime: 'pytorch' is the segmentor's own ``test_step``
      (whole-frame, or mmseg's slide mode; any frame size), 'onnxruntime'
      and 'openvino' run the file of ``tools/deployment/pytorch2onnx.py``
      (fp32 or INT8 QDQ; 'openvino' also the INT8 IR of
      ``tools/deployment/quantize_onnx.py --openvino-out``, and
      'openvino_bf16' computes in bfloat16) on the CPU, whole-frame or in
      the same tiles as mmseg's slide mode, stitched the same way. mmseg's
      ``_load_weights_to_model`` does not fit and is not used: the backend
      loads its own file (the PyTorch one weights-only, distilled and FDEP
      checkpoints included, :func:`mmdsad.apis.load_network`); a file of
      the other kind or a corrupt ONNX file is refused with what to do.
    * **Batching**: ``batch_size`` frames are preprocessed together and
      those of one size among them run as one batch (each frame is
      predicted as if alone: results depend on ``batch_size`` only by the
      float rounding of batched convolutions, ~1e-6).
    * **Postprocess**: a :class:`FrameResult` per frame: probabilities,
      the mask above :attr:`threshold`, its targets (8-connected
      components, :func:`mmdsad.apis.find_targets`; with ``slide`` the
      tiles are stitched first, so a target on a seam is one target).
    * **Visualizer**: :class:`~mmdsad.visualization.IRSTDVisualizer` draws
      :attr:`FrameResult.overlay` with ``return_vis``.

    Attributes:
        threshold (float): Mask threshold on the probabilities (the decode
            head's, 0.5 by default).
        on_tile (Callable[[int, int], None] | None): With ``slide``, called
            after every tile with (tiles done, tiles in the batch).

    Args:
        config (str | Config): The network config (or an FDEP /
            distillation config holding it).
        checkpoint (str): Weights-only checkpoint, or the ONNX file.
        backend (str): 'pytorch', 'onnxruntime', 'openvino' or
            'openvino_bf16'.
        slide (tuple, optional): ((crop_h, crop_w), (stride_h, stride_w)):
            sliced inference with overlapping tiles (for the ONNX-file
            backends the crop is a multiple of the network's stride).
        high_bit_scale (str, optional): 'full' or 'minmax' for 16-bit
            frames; the test pipeline's loader's (default 'full') if None.
        device (str): Torch device of the PyTorch backend.
        on_tile (Callable[[int, int], None], optional): See Attributes.
        threads (int, optional): Intra-op threads of the runtime (for
            PyTorch process-wide); its default when None.

    Raises:
        ValueError: An unknown backend, a ``slide`` crop an exported
            graph cannot take, a checkpoint of the other backend, or a
            test pipeline without ``LoadIRImageFromFile``.
        FileNotFoundError: The ONNX file does not exist.
        OSError: The ONNX file is corrupt.
    """

    preprocess_kwargs: set = set()
    forward_kwargs: set = set()
    visualize_kwargs: set = {'return_vis'}
    postprocess_kwargs: set = {'return_datasample'}

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: str,
                 backend: str = 'pytorch',
                 slide: Optional[Slide] = None,
                 high_bit_scale: Optional[str] = None,
                 device: str = 'cpu',
                 on_tile: Optional[TileCallback] = None,
                 threads: Optional[int] = None) -> None:
        if backend not in BACKENDS:
            raise ValueError(
                f'backend must be one of {BACKENDS}, got {backend!r}')
        cfg = Config.fromfile(config) if isinstance(config, str) else config
        # Read by _init_model and _init_pipeline, which mmengine's
        # constructor calls.
        self.backend = backend
        self.slide = slide
        self.threads = threads
        self.high_bit_scale = high_bit_scale
        self.threshold = network_config(cfg).decode_head.get(
            'threshold', 0.5)
        super().__init__(
            model=cfg,
            weights=checkpoint,
            classes=CLASSES,
            palette=PALETTE,
            device=device,
            scope=cfg.get('default_scope', 'mmseg'))
        # mmseg passes (palette, classes) in the wrong order; both have two
        # entries, so set them again by name.
        self.visualizer.set_dataset_meta(classes=CLASSES, palette=PALETTE)
        self.on_tile = on_tile

    @property
    def runtime(self) -> InferenceBackend:
        """The backend object."""
        return self.model.runtime

    @property
    def network(self) -> nn.Module:
        """The segmentor of the PyTorch backend."""
        return self.runtime.network

    @property
    def on_tile(self) -> Optional[TileCallback]:
        """Progress callback of sliced inference (see the class)."""
        return self.model.on_tile

    @on_tile.setter
    def on_tile(self, callback: Optional[TileCallback]) -> None:
        self.model.on_tile = callback

    def _init_model(self, cfg: Config, weights: str,
                    device: str = 'cpu') -> BackendModel:
        """The backend on its model file, as mmengine's model.

        Overrides mmengine's build-and-load: the backend loads its own
        file (see the class).

        Args:
            cfg (Config): The config.
            weights (str): The checkpoint or ONNX file.
            device (str): Torch device (PyTorch backend).

        Returns:
            BackendModel: The backend behind ``test_step``.
        """
        runtime = INFERENCE_BACKENDS.build(
            dict(
                type=self.backend,
                model_file=weights,
                config=cfg,
                slide=self.slide,
                device=device,
                threads=self.threads))
        model = BackendModel(runtime)
        model.dataset_meta = dict(classes=CLASSES, palette=PALETTE)
        return model

    def _init_pipeline(self, cfg: Config) -> Compose:
        """The config's test pipeline, loading paths and arrays.

        Args:
            cfg (Config): The config.

        Returns:
            Compose: See
            :func:`mmdsad.apis.inference_pipeline.inference_pipeline`.
        """
        return inference_pipeline(cfg, self.high_bit_scale)

    def _init_collate(self, cfg: Config) -> Callable:
        """The config's test ``collate_fn``, else ``pseudo_collate``.

        Args:
            cfg (Config): The config.

        Returns:
            Callable: The collate function.
        """
        if 'collate_fn' in cfg.get('test_dataloader', {}):
            return super()._init_collate(cfg)
        # mmengine's lookup would warn that mmseg has no function registry.
        return pseudo_collate

    def _init_visualizer(self, cfg: Config) -> Visualizer:
        """An :class:`IRSTDVisualizer` (the config's is for training logs).

        Args:
            cfg (Config): The config (unused: overlays need no backend).

        Returns:
            Visualizer: A new, uniquely named IRSTDVisualizer.
        """
        name = f'irstd_inferencer-{datetime.timestamp(datetime.now())}'
        while Visualizer.check_instance_created(name):
            name += '+'
        return VISUALIZERS.build(dict(type='IRSTDVisualizer', name=name))

    def _inputs_to_list(self, inputs: Union[ImageInput, Iterable[ImageInput]]
                        ) -> List[Frame]:
        """Named frames of paths, arrays, folders or globs.

        Args:
            inputs: See :func:`mmdsad.apis.image_inputs.collect_frames`.

        Returns:
            list[tuple[str, str | np.ndarray]]: (name, path or array).
        """
        return collect_frames(inputs)

    def preprocess(self, inputs: Sequence[Frame], batch_size: int = 1,
                   **kwargs) -> Iterator[Chunk]:
        """Run the pipeline, ``batch_size`` frames at a time.

        Args:
            inputs (Sequence[tuple[str, str | np.ndarray]]): Named frames.
            batch_size (int): Frames per chunk.

        Yields:
            Chunk: The frames' names, the unreadable ones (warned about)
            and the others collated.

        Raises:
            ValueError: ``batch_size`` is not an integer >= 1 (mmengine's
                chunking would loop forever on 0).
        """
        if isinstance(batch_size, bool) or not isinstance(
                batch_size, int) or batch_size < 1:
            raise ValueError(
                f'batch_size must be an integer >= 1, got {batch_size!r}')
        for frames in self._get_chunk_data(inputs, batch_size):
            yield load_chunk(self.pipeline, self.collate_fn, frames)

    @torch.no_grad()
    def forward(self, inputs: dict, **kwargs) -> List[SegDataSample]:
        """The backend's probabilities, and the mask at :attr:`threshold`.

        Args:
            inputs (dict): A collated chunk (``inputs``, ``data_samples``).

        Returns:
            list[SegDataSample]: With ``seg_logits`` (probabilities) and
            ``pred_sem_seg`` (the mask, (1, H, W) bool).
        """
        samples = self.model.test_step(inputs)
        for sample in samples:
            sample.pred_sem_seg = PixelData(
                data=sample.seg_logits.data > self.threshold)
        return samples

    def visualize(self,
                  inputs: list,
                  preds: List[SegDataSample],
                  return_vis: bool = False,
                  **kwargs) -> Optional[List[np.ndarray]]:
        """Overlays of the predictions, with return_vis.

        Args:
            inputs (list[np.ndarray]): The frames as the network saw them,
                float32 (H, W, 3) RGB.
            preds (list[SegDataSample]): From :meth:`forward`.
            return_vis (bool): Draw them; else nothing is drawn.

        Returns:
            list[np.ndarray] | None: uint8 (H, W, 3) RGB overlays.
        """
        if not return_vis:
            return None
        overlays = []
        for pixels, sample in zip(inputs, preds):
            self.visualizer.add_datasample(
                sample.frame_name, pixels, sample, draw_gt=False)
            overlays.append(self.visualizer.get_image())
        return overlays

    def postprocess(self,
                    preds: List[SegDataSample],
                    visualization: Optional[List[np.ndarray]],
                    return_datasample: bool = False,
                    pixels: Sequence[np.ndarray] = (),
                    **kwargs) -> Union[List[FrameResult],
                                       List[SegDataSample]]:
        """IRSTD results: probabilities, mask and targets per frame.

        Args:
            preds (list[SegDataSample]): From :meth:`forward`.
            visualization (list[np.ndarray] | None): From :meth:`visualize`.
            return_datasample (bool): Return the samples themselves.
            pixels (Sequence[np.ndarray]): The frames as the network saw
                them, float32 (H, W, 3).

        Returns:
            list[FrameResult] | list[SegDataSample]: One per sample.
        """
        if return_datasample:
            return preds
        results = []
        for index, sample in enumerate(preds):
            probabilities = sample.seg_logits.data[0].cpu().numpy()
            mask, targets = find_targets(probabilities, self.threshold)
            results.append(
                FrameResult(sample.frame_name, pixels[index], probabilities,
                            mask, targets,
                            visualization[index] if visualization else None))
        return results

    def run(self,
            inputs: Union[ImageInput, Iterable[ImageInput]],
            batch_size: int = 1,
            return_vis: bool = False
            ) -> Iterator[Union[FrameResult, SkippedFrame]]:
        """Infer chunk by chunk; unusable frames are skipped, not fatal.

        Args:
            inputs: Paths, arrays, folders or globs (see
                :func:`mmdsad.apis.image_inputs.collect_frames`).
            batch_size (int): Frames preprocessed (and, of one size, run)
                together.
            return_vis (bool): Draw :attr:`FrameResult.overlay`.

        Yields:
            FrameResult | SkippedFrame: One per frame, in input order; a
            skipped frame is also warned about.
        """
        for chunk in self.preprocess(self._inputs_to_list(inputs),
                                     batch_size):
            results: Iterator[FrameResult] = iter(())
            if chunk.data is not None:
                # Taken before the forward, which may move the inputs.
                pixels = [
                    np.ascontiguousarray(
                        image.permute(1, 2, 0).float().numpy())
                    for image in chunk.data['inputs']
                ]
                preds = self.forward(chunk.data)
                results = iter(
                    self.postprocess(
                        preds,
                        self.visualize(pixels, preds, return_vis=return_vis),
                        pixels=pixels))
            for position in range(len(chunk.names)):
                skipped = chunk.skipped.get(position)
                yield skipped if skipped is not None else next(results)

    def __call__(self,
                 inputs: Union[ImageInput, Iterable[ImageInput]],
                 batch_size: int = 1,
                 return_vis: bool = False) -> List[FrameResult]:
        """Results of the readable frames (see :meth:`run`).

        Args:
            inputs: Paths, arrays, folders or globs.
            batch_size (int): Frames preprocessed together.
            return_vis (bool): Draw overlays.

        Returns:
            list[FrameResult]: One per readable frame.
        """
        return [
            result for result in self.run(inputs, batch_size, return_vis)
            if isinstance(result, FrameResult)
        ]

