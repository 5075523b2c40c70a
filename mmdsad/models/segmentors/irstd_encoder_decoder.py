"""mmseg's EncoderDecoder, predicting each image as if alone in its batch."""
from typing import Dict, List, Tuple

from mmseg.models import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList
from torch import Tensor


@MODELS.register_module()
class IRSTDEncoderDecoder(EncoderDecoder):
    """``EncoderDecoder`` whose predictions do not depend on the batch.

    A test batch of mixed sizes is padded to its largest image
    (:class:`~mmdsad.models.data_preprocessors.IRSTDDataPreProcessor`), but
    the networks' channel attention pools over the whole input and every
    convolution near the border sees the padding, so an image's prediction
    would change with its batch companions. Here the images are grouped by
    the shape each would be padded to alone (its ``single_pad_shape``), and
    each group is cropped to that shape and predicted on its own: an image
    alone and in a batch of other sizes gets the same prediction at its
    native resolution, padded to the stride and cropped back. Training is
    unchanged (its batches are crops of one size).

    Args:
        **kwargs: Arguments of :class:`EncoderDecoder`.
    """

    def predict(self,
                inputs: Tensor,
                data_samples: OptSampleList = None) -> SampleList:
        """Predict a batch, each group of padded shapes on its own.

        Args:
            inputs (Tensor): (N, C, H, W) padded batch.
            data_samples (list[SegDataSample], optional): Their samples,
                with ``single_pad_shape`` and ``img_shape`` metainfo.

        Returns:
            list[SegDataSample]: The samples with ``seg_logits`` and
            ``pred_sem_seg`` at each image's original size.
        """
        batch_hw = tuple(inputs.shape[2:])
        if data_samples is None or all(
                tuple(s.metainfo.get('single_pad_shape', batch_hw)) ==
                batch_hw for s in data_samples):
            return super().predict(inputs, data_samples)
        groups: Dict[Tuple[int, int], List[int]] = {}
        for index, sample in enumerate(data_samples):
            groups.setdefault(tuple(sample.single_pad_shape),
                              []).append(index)
        for (height, width), indices in groups.items():
            group = [data_samples[i] for i in indices]
            for sample in group:
                img_h, img_w = sample.img_shape[:2]
                sample.set_metainfo(
                    dict(
                        pad_shape=(height, width),
                        batch_input_shape=(height, width),
                        img_padding_size=(0, width - img_w, 0,
                                          height - img_h)))
            super().predict(inputs[indices, :, :height, :width], group)
        return data_samples
