"""CO-ISD: FDEP's collaborative training of one network with two branches.

FDEP (arXiv 2512.05511, Fig. 1; docs/paper-spec.md §2.1) runs one shared
encoder-decoder twice on the same image: the **main** branch with a frozen
VFM ("DINO") fused through SAMF at the bottleneck, the **light** branch
straight through. Both outputs are supervised against the ground truth
(Loss-1, Loss-2) in one backward pass; inference runs the light branch
only, so the deployed model is exactly the plain network.

Our readings: loss = w_main * L(main) + w_light * L(light) with the plain
network's own decode loss (SoftIoU) and weights 1 : 1 by default; the VFM
runs once per batch; the fusion point is a module name (as MMRazor
recorders address features) whose output tensor a forward hook replaces by
the output of the SAMF chain, SAMF module k guided by VFM tap k.
"""
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional, Sequence, Union

import torch.nn.functional as F
from mmengine.model import BaseModel
from mmseg.registry import MODELS
from torch import Tensor, nn

from mmdsad.utils.names import closest_names
from mmdsad.utils.preprocessor import preprocessor_normalisation


@MODELS.register_module()
class COISD(BaseModel):
    """A plain segmentor trained with FDEP's VFM-guided main branch.

    The VFM is held outside the module tree: it is never in the optimizer,
    in ``state_dict`` or touched by ``init_weights``; only the plain network
    (``architecture.*``) and the SAMF chain (``samf.*``) are saved.
    ``tools/model_converters/to_weights_only.py --strip-prefix
    architecture.`` exports the plain network.

    Args:
        architecture (dict): Config of the plain segmentor (any mmseg
            segmentor with ``loss`` / ``predict``).
        vfm (dict): Config of the frozen VFM, e.g. ``FrozenDINOv2``.
        samf (dict): Config shared by the SAMF modules; ``channels`` must be
            the fusion point's width. One module is built per VFM tap.
        fusion_point (str): Name of the module (in ``architecture``) whose
            output the SAMF chain refines, e.g. ``'backbone.conv4_0'``.
        main_weight (float): Weight of the main branch's loss. Defaults
            to 1.0.
        light_weight (float): Weight of the light branch's loss. Defaults
            to 1.0.
        data_preprocessor (dict, optional): Defaults to None: the
            architecture's.
        init_cfg (dict, optional): Initialisation. Defaults to None.
    """

    def __init__(self,
                 architecture: dict,
                 vfm: dict,
                 samf: dict,
                 fusion_point: str,
                 main_weight: float = 1.0,
                 light_weight: float = 1.0,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = architecture.get('data_preprocessor')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.architecture = MODELS.build(architecture)
        # A list hides the frozen VFM from the module tree (see above).
        self._vfm = [MODELS.build(vfm)]
        num_taps = len(self._vfm[0].tap_blocks)
        self.samf = nn.ModuleList(
            MODELS.build(dict(samf, vfm_channels=self._vfm[0].embed_dim))
            for _ in range(num_taps))
        self.main_weight = float(main_weight)
        self.light_weight = float(light_weight)
        self.fusion_point = fusion_point
        modules = dict(self.architecture.named_modules())
        if fusion_point not in modules or not fusion_point:
            closest = closest_names(fusion_point,
                                    [name for name in modules if name])
            raise ValueError(
                f'fusion_point {fusion_point!r} is not a module of the '
                f'architecture. Closest module names: {closest}. Set '
                'model.fusion_point to one of them.')
        modules[fusion_point].register_forward_hook(self._fuse)
        self._guidance: Optional[List[Tensor]] = None
        self._fusion_calls = 0

    @property
    def vfm(self) -> nn.Module:
        """The frozen VFM (outside the module tree)."""
        return self._vfm[0]

    def _fuse(self, module: nn.Module, args: tuple,
              output: Tensor) -> Optional[Tensor]:
        """Forward hook: run the SAMF chain on the main branch only."""
        if self._guidance is None:
            return None  # light branch, validation, test: unchanged
        self._fusion_calls += 1
        if self._fusion_calls > 1:
            raise RuntimeError(
                f'fusion_point {self.fusion_point!r} runs more than once per '
                'forward pass (a shared module); choose a module that runs '
                'once, e.g. the deepest encoder stage.')
        if not isinstance(output, Tensor) or output.dim() != 4:
            raise TypeError(
                f'fusion_point {self.fusion_point!r} outputs '
                f'{type(output).__name__}, SAMF needs a (B, C, H, W) tensor.')
        channels = self.samf[0].channels
        if output.shape[1] != channels:
            raise ValueError(
                f'fusion_point {self.fusion_point!r} has {output.shape[1]} '
                f'channels but the SAMF config has channels={channels}; set '
                f'model.samf.channels={output.shape[1]}.')
        feature = output
        for samf, guide in zip(self.samf, self._guidance):
            guide = F.interpolate(
                guide, size=feature.shape[-2:], mode='bilinear',
                align_corners=False)
            feature = samf(feature, guide)
        return feature

    def _raw_images(self, inputs: Tensor) -> Tensor:
        """Undo the CNN's normalisation: the VFM normalises on its own.

        Args:
            inputs (Tensor): Preprocessed batch of shape (B, C, H, W).

        Returns:
            Tensor: The images in [0, 255] pixel units, (B, C, H, W).
        """
        normalisation = preprocessor_normalisation(self.data_preprocessor)
        if normalisation is None:
            return inputs
        mean, std = normalisation
        return inputs * std + mean

    def vfm_guidance(self, inputs: Tensor) -> List[Tensor]:
        """Run the frozen VFM once on a preprocessed batch.

        Args:
            inputs (Tensor): Preprocessed batch of shape (B, C, H, W).

        Returns:
            list[Tensor]: One (B, embed_dim, h, w) map per tap.
        """
        self.vfm.to(inputs.device)
        return self.vfm(self._raw_images(inputs))

    @contextmanager
    def main_branch(self, inputs: Tensor) -> Iterator[None]:
        """Within the block, ``architecture`` runs as the main branch.

        The VFM runs once on ``inputs`` on entry; the block holds one
        forward of ``architecture`` on the same batch.

        Args:
            inputs (Tensor): Preprocessed batch of shape (B, C, H, W).
        """
        self._guidance = self.vfm_guidance(inputs)
        self._fusion_calls = 0
        try:
            yield
        finally:
            self._guidance = None
        if self._fusion_calls == 0:
            raise RuntimeError(
                f'fusion_point {self.fusion_point!r} did not run in the '
                'forward pass; choose a module on the path to the output.')

    def loss(self, inputs: Tensor, data_samples: Sequence) -> Dict:
        """Both branches on the same batch, losses weighted and prefixed.

        Args:
            inputs (Tensor): Preprocessed batch of shape (B, C, H, W).
            data_samples (Sequence[SegDataSample]): With ``gt_sem_seg``.

        Returns:
            dict: The architecture's losses of each branch, prefixed
            ``main.`` and ``light.``, loss terms multiplied by the branch's
            weight; mmengine sums every ``loss`` key into one backward.
        """
        light = self.architecture.loss(inputs, data_samples)
        with self.main_branch(inputs):
            main = self.architecture.loss(inputs, data_samples)
        losses = {}
        for prefix, weight, branch in (('main', self.main_weight, main),
                                       ('light', self.light_weight, light)):
            for key, value in branch.items():
                if 'loss' in key:
                    value = ([weight * v for v in value] if isinstance(
                        value, (list, tuple)) else weight * value)
                losses[f'{prefix}.{key}'] = value
        return losses

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[Sequence] = None,
                mode: str = 'tensor') -> Union[Dict, list, Tensor]:
        """``loss`` trains both branches; other modes run the light one.

        Args:
            inputs (Tensor): Preprocessed batch of shape (B, C, H, W).
            data_samples (Sequence[SegDataSample], optional): Samples.
            mode (str): 'loss', 'predict' or 'tensor'.

        Returns:
            dict | list | Tensor: As the plain segmentor returns them.
        """
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        return self.architecture(inputs, data_samples, mode)
