"""Parameter and FLOP counts of a config's deployed network."""
from typing import Dict, Tuple

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

from .apis.network_loading import network_config


def count_complexity(cfg: Config,
                     input_shape: Tuple[int, int, int] = (3, 256, 256)
                     ) -> Dict[str, int]:
    """Count the parameters and multiply-accumulates of ``cfg.model``.

    The model is built, put in eval mode (as mmseg's get_flops does; the
    paper's FLOPs are MACs on a 1x3x256x256 input) and run once on a random
    image through its tensor forward. For a distillation config it is the
    student (``model.architecture``), the network that is deployed.

    Args:
        cfg (Config): A model config.
        input_shape (tuple[int, int, int]): (C, H, W) of the image.

    Returns:
        dict: ``params`` (parameter count) and ``flops`` (MACs).
    """
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    model = MODELS.build(network_config(cfg))
    model.eval()
    inputs = torch.rand(1, *input_shape)
    with torch.no_grad():
        info = get_model_complexity_info(
            model, inputs=(inputs, ), show_table=False, show_arch=False)
    return dict(params=info['params'], flops=info['flops'])
