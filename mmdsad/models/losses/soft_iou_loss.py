"""SoftIoU loss, the detection loss of DNANet, AMFU-Net, DMFNet and DSAD."""
import torch
import torch.nn as nn
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class SoftIoULoss(nn.Module):
    """``1 - (|P ∩ T| + s) / (|P| + |T| - |P ∩ T| + s)`` on sigmoid
    probabilities.

    As in the reference implementations (docs/networks.md §4), the soft
    intersection and union are summed over the whole batch, not per image,
    with smoothing ``s = 1``. Pixels labelled ``ignore_index`` (padding) are
    left out of every sum. Labels must be binary: any other value means the
    mask was not binarised (SIRST masks are 0/255 and 255 is mmseg's ignore
    index), and rather than silently ignore those target pixels the loss
    raises.

    The call signature matches mmseg's losses, so any ``BaseDecodeHead`` with
    ``out_channels=1`` can use it.

    Args:
        smooth (float): Smoothing term s. Defaults to 1.
        loss_weight (float): Weight of the loss. Defaults to 1.
        loss_name (str): Name in the loss dict; must contain ``loss``.
    """

    def __init__(self,
                 smooth: float = 1.0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_softiou') -> None:
        super().__init__()
        self.smooth = smooth
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self,
                pred: Tensor,
                target: Tensor,
                weight=None,
                ignore_index: int = 255,
                **kwargs) -> Tensor:
        """Compute the loss.

        Args:
            pred (Tensor): Logits of shape (B, 1, H, W).
            target (Tensor): Labels in {0, 1, ignore_index} of shape
                (B, H, W) or (B, 1, H, W).
            weight: Unused; accepted for mmseg's loss interface.
            ignore_index (int): Label of pixels to leave out.

        Returns:
            Tensor: Scalar loss.
        """
        if pred.dim() != 4 or pred.shape[1] != 1:
            raise ValueError('SoftIoULoss expects one-channel logits of shape '
                             f'(B, 1, H, W), got {tuple(pred.shape)}')
        target = target.reshape(pred.shape[0], 1, *target.shape[-2:])
        valid = target != ignore_index
        labels = target[valid]
        if ((labels != 0) & (labels != 1)).any():
            bad = sorted(set(labels.unique().tolist()) - {0, 1})
            raise ValueError(
                f'SoftIoULoss got label values {bad}; masks must be binary '
                '(0/1). Load masks with LoadBinaryAnnotations, which '
                'binarises 0/255 masks.')
        prob = torch.sigmoid(pred) * valid
        target = torch.where(valid, target, 0).to(prob.dtype)
        intersection = (prob * target).sum()
        union = prob.sum() + target.sum() - intersection
        iou = (intersection + self.smooth) / (union + self.smooth)
        return self.loss_weight * (1 - iou)

    @property
    def loss_name(self) -> str:
        """Name of the loss in the loss dict."""
        return self._loss_name
