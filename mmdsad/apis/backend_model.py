"""An inference backend seen as the model of an mmengine inferencer."""
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from torch import nn

from .backends import InferenceBackend
from .backends.base import TileCallback


class BackendModel(nn.Module):
    """A backend behind the ``test_step`` mmengine's inferencers call.

    mmengine's :class:`~mmengine.infer.BaseInferencer` holds a ``model`` and
    runs ``model.test_step(batch)``. This module is that model for every
    runtime: it splits a batch into groups of frames of one size (so any
    backend, and any segmentor, takes them stacked; frames of other sizes
    in the same batch are run as their own groups), has the backend predict
    each group and puts the probability maps into the batch's samples as
    ``seg_logits`` (1, H, W), as mmseg's segmentors do for one output
    channel. With the PyTorch backend the segmentor is a submodule, so
    module-wide operations (``revert_sync_batchnorm``) reach it.

    Args:
        runtime (InferenceBackend): The backend.

    Attributes:
        on_tile (Callable[[int, int], None] | None): Passed to the backend
            with every group (progress of sliced inference).
    """

    def __init__(self, runtime: InferenceBackend) -> None:
        super().__init__()
        self.runtime = runtime
        network = getattr(runtime, 'network', None)
        # Registered as a child only when it is a module (PyTorch).
        self.network = network if isinstance(network, nn.Module) else None
        self.on_tile: Optional[TileCallback] = None

    def test_step(self, data: dict) -> List[SegDataSample]:
        """Probability maps of a batch, group by group of one size.

        Args:
            data (dict): ``inputs`` (list of N (3, H_i, W_i) tensors, RGB in
                [0, 255]) and ``data_samples`` (N SegDataSample), as the
                test pipeline and ``pseudo_collate`` give them.

        Returns:
            list[SegDataSample]: The N samples, in order, each with
            ``seg_logits`` holding float32 probabilities (1, H_i, W_i).
        """
        inputs, samples = data['inputs'], data['data_samples']
        groups: Dict[Tuple[int, int], List[int]] = {}
        for index, image in enumerate(inputs):
            groups.setdefault(tuple(image.shape[-2:]), []).append(index)
        for indices in groups.values():
            maps = self.runtime.predict(
                dict(
                    inputs=[inputs[i] for i in indices],
                    data_samples=[samples[i] for i in indices]),
                self.on_tile)
            for index, probabilities in zip(indices, maps):
                samples[index].seg_logits = PixelData(
                    data=torch.from_numpy(probabilities)[None])
        return samples
