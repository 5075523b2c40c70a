"""The network as deployed: raw pixels in, target probabilities out."""
import torch
from mmseg.models import EncoderDecoder
from torch import Tensor, nn

from mmdsad.utils.preprocessor import preprocessor_normalisation


class DeployedNetwork(nn.Module):
    """An IRSTD segmentor reduced to what inference needs, for export.

    It normalises the image with the segmentor's data preprocessor (mean,
    std; the images are already in its channel order, see
    ``irstd_preprocessor.py``), runs backbone and decode head, keeps the
    last (prediction) logit map of the head's deep-supervision list and
    applies the sigmoid. Padding to the network's stride is the caller's
    (:class:`mmdsad.apis.IRSTDInferencer` pads and crops back), so the graph
    has no size-dependent branch and exports with dynamic batch, height and
    width.

    Args:
        segmentor (EncoderDecoder): A built IRSTD segmentor with weights
            loaded; it is put in eval mode.
    """

    def __init__(self, segmentor: EncoderDecoder) -> None:
        super().__init__()
        self.segmentor = segmentor.eval()
        # (1, C, 1, 1) buffers; a preprocessor without normalisation passes
        # the pixels through.
        normalisation = preprocessor_normalisation(segmentor.data_preprocessor)
        if normalisation is None:
            mean, std = torch.zeros(1, 1, 1, 1), torch.ones(1, 1, 1, 1)
        else:
            mean, std = (value[None] for value in normalisation)
        self.register_buffer('mean', mean.clone(), persistent=False)
        self.register_buffer('std', std.clone(), persistent=False)

    def forward(self, images: Tensor) -> Tensor:
        """Target probabilities.

        Args:
            images (Tensor): Pixel values (0-255 scale, the preprocessor's
                channel order) of shape (B, 3, H, W), H and W multiples of the
                network's stride.

        Returns:
            Tensor: Probabilities in [0, 1] of shape (B, 1, H, W).
        """
        logits = self.segmentor._forward((images - self.mean) / self.std)
        if isinstance(logits, (list, tuple)):
            logits = logits[-1]
        return torch.sigmoid(logits)
