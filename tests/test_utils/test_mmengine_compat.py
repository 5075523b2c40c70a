"""mmdsad.utils.mmengine_compat: mmengine's pytorch launcher without CUDA
(the two-process run itself: tests/test_tools/test_dist_train.py)."""
import pytest
import torch
from mmengine.dist import utils as dist_utils

import mmdsad  # noqa: F401  (applies the patch)
from mmdsad.utils.mmengine_compat import _init_dist_pytorch_cpu


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU-only torch')
def test_launcher_starts_without_a_cuda_device_on_cpu():
    assert dist_utils._init_dist_pytorch is _init_dist_pytorch_cpu


def test_other_init_backends_are_refused_without_cuda():
    with pytest.raises(ValueError, match="only 'torch'"):
        _init_dist_pytorch_cpu('gloo', init_backend='deepspeed')
