import subprocess
import sys

import pytest
from torch.ao.quantization import fuser_method_mappings

from mmdsad.utils.mmrazor_compat import MAPPING_MODULE


def import_in_fresh_python(code):
    return subprocess.run([sys.executable, '-c', code],
                          capture_output=True,
                          text=True)


def test_mmrazor_models_need_the_patch_on_torch2():
    bare = import_in_fresh_python('import mmrazor.models')
    if bare.returncode == 0:
        pytest.skip('this torch/mmrazor pair imports without the patch')
    assert 'torch>=1.13' in bare.stderr or 'Error' in bare.stderr


def test_importing_mmdsad_first_makes_mmrazor_importable():
    result = import_in_fresh_python(
        'import mmdsad, mmrazor.models; '
        'from mmrazor.models import SingleTeacherDistill; print("ok")')
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith('ok')


def test_quantization_backends_are_the_old_torch_fallback():
    mapping = sys.modules[MAPPING_MODULE]
    assert set(mapping.BackendConfigs.values()) == {None}


def test_restored_fuser_helpers_reorder_arguments():
    def record(is_qat, *modules):
        return modules

    assert fuser_method_mappings.reverse2(record)(False, 'x', 'y') == ('y',
                                                                       'x')
    assert fuser_method_mappings.reverse3(record)(False, 'x',
                                                  ('y', 'z')) == ('z', 'y',
                                                                  'x')
    wrapper = fuser_method_mappings.reverse_sequential_wrapper2(
        lambda a, b: (a, b))
    assert wrapper(True, 'x', 'y') == ('x', 'y')
