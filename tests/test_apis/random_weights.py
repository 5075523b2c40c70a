"""Randomly initialised networks saved as weights-only checkpoints."""
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from torch import nn

from mmdsad.utils.weights_only import save_weights_only


def random_network(config: str, seed: int = 0) -> nn.Module:
    """Build ``config``'s network with random weights and batch-norm stats.

    Random running statistics and affine terms make every normalisation
    layer do something, so a parity test exercises them.

    Args:
        config (str): Network config path.
        seed (int): Torch seed.

    Returns:
        nn.Module: The segmentor in eval mode.
    """
    torch.manual_seed(seed)
    init_default_scope('mmseg')
    network = MODELS.build(Config.fromfile(config).model)
    network.init_weights()
    for module in network.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.running_mean.normal_(0, 0.1)
            module.running_var.uniform_(0.5, 2)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.normal_(0, 0.1)
    return network.eval()


def save_random_checkpoint(config: str, path: str, prefix: str = '',
                           seed: int = 0) -> nn.Module:
    """Save a random network's weights, keys optionally prefixed.

    Args:
        config (str): Network config path.
        path (str): Checkpoint to write.
        prefix (str): Prepended to every key (``'architecture.'`` mimics a
            distillation or CO-ISD checkpoint).
        seed (int): Torch seed.

    Returns:
        nn.Module: The network whose weights were saved.
    """
    network = random_network(config, seed)
    state = {prefix + k: v for k, v in network.state_dict().items()}
    save_weights_only(state, {}, path)
    return network
