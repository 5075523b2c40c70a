"""mmseg's data preprocessor, taking test batches of mixed image sizes."""
from typing import Any, Dict

from mmseg.models import SegDataPreProcessor
from mmseg.registry import MODELS
from mmseg.utils import stack_batch


@MODELS.register_module()
class IRSTDDataPreProcessor(SegDataPreProcessor):
    """``SegDataPreProcessor`` whose test batches may mix image sizes.

    IRSTD sets are tested at each image's original size (NUAA-SIRST and
    SIRST-v2 mix many sizes), where mmseg's preprocessor refuses a test
    batch whose images differ in size. Here a test batch is normalised,
    then zero-padded at the bottom and right to the largest image, rounded
    up to ``test_cfg['size_divisor']``, as mmseg pads training batches;
    each sample's metainfo gets ``single_pad_shape``, the (H, W) its image
    is padded to when it is alone in its batch. :class:`IRSTDEncoderDecoder`
    crops each image back to that shape before the network sees it, so a
    prediction does not depend on the other images of its batch. Training
    is mmseg's unchanged.

    Args:
        **kwargs: Arguments of :class:`SegDataPreProcessor`; ``test_cfg``
            should hold ``size_divisor`` (the network's stride).
    """

    def forward(self, data: dict, training: bool = False) -> Dict[str, Any]:
        """Normalise, pad and stack a batch.

        Args:
            data (dict): ``inputs`` (list of uint8 (3, H_i, W_i) tensors)
                and ``data_samples`` from the data loader.
            training (bool): Training batch. Defaults to False.

        Returns:
            dict: ``inputs`` (N, 3, H, W) float and ``data_samples``.
        """
        if training or not self.test_cfg or 'size' in self.test_cfg:
            return super().forward(data, training)
        data = self.cast_data(data)
        inputs = data['inputs']
        data_samples = data.get('data_samples', None)
        if self.channel_conversion and inputs[0].size(0) == 3:
            inputs = [_input[[2, 1, 0], ...] for _input in inputs]
        inputs = [_input.float() for _input in inputs]
        if self._enable_normalize:
            inputs = [(_input - self.mean) / self.std for _input in inputs]
        divisor = self.test_cfg.get('size_divisor') or 1
        stacked, pad_infos = stack_batch(
            inputs=inputs,
            size_divisor=divisor,
            pad_val=self.pad_val,
            seg_pad_val=self.seg_pad_val)
        if data_samples is not None:
            for sample, image, pad_info in zip(data_samples, inputs,
                                               pad_infos):
                height, width = image.shape[-2:]
                sample.set_metainfo(
                    dict(
                        **pad_info,
                        single_pad_shape=(height + (-height % divisor),
                                          width + (-width % divisor))))
        return dict(inputs=stacked, data_samples=data_samples)
