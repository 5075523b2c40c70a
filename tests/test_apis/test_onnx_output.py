"""export_onnx's output file: never a checkpoint, no silent overwrite,
written atomically (a failed export leaves the earlier file as it was)."""
import onnx
import pytest
from torch import nn

from mmdsad.apis import check_onnx_output, export_onnx


class Failing(nn.Module):
    """Fails while being traced, as an export that breaks half-way."""

    def forward(self, images):
        raise RuntimeError('export broke')


def tiny():
    return nn.Sequential(nn.Conv2d(3, 1, 1), nn.Sigmoid())


def test_existing_output_is_refused_unless_overwrite(tmp_path):
    out = tmp_path / 'net.onnx'
    out.write_bytes(b'earlier')
    with pytest.raises(FileExistsError, match='net.onnx exists'):
        export_onnx(tiny(), str(out))
    assert out.read_bytes() == b'earlier'
    export_onnx(tiny(), str(out), overwrite=True)
    onnx.checker.check_model(str(out))
    assert [p.name for p in tmp_path.iterdir()] == ['net.onnx']


def test_protected_file_is_refused_even_with_overwrite(tmp_path):
    checkpoint = tmp_path / 'net.pth'
    checkpoint.write_bytes(b'weights')
    (tmp_path / 'sub').mkdir()
    # Another spelling of the same file.
    with pytest.raises(ValueError, match='is the input'):
        export_onnx(
            tiny(),
            str(tmp_path / 'sub' / '..' / 'net.pth'),
            overwrite=True,
            protected=[str(checkpoint)])
    assert checkpoint.read_bytes() == b'weights'


def test_failed_export_keeps_the_earlier_file(tmp_path):
    out = tmp_path / 'net.onnx'
    out.write_bytes(b'earlier')
    with pytest.raises(RuntimeError, match='export broke'):
        export_onnx(Failing(), str(out), overwrite=True)
    assert out.read_bytes() == b'earlier'
    # No partial file or scratch folder is left behind.
    assert [p.name for p in tmp_path.iterdir()] == ['net.onnx']


def test_written_file_has_ordinary_permissions(tmp_path):
    reference = tmp_path / 'reference'
    reference.write_bytes(b'')
    out = tmp_path / 'net.onnx'
    export_onnx(tiny(), str(out))
    assert out.stat().st_mode == reference.stat().st_mode


@pytest.mark.parametrize('case', ['folder', 'missing parent'])
def test_unusable_paths_are_named(tmp_path, case):
    if case == 'folder':
        with pytest.raises(IsADirectoryError, match='is a folder'):
            check_onnx_output(str(tmp_path), overwrite=True)
    else:
        with pytest.raises(FileNotFoundError, match='does not exist'):
            check_onnx_output(str(tmp_path / 'absent' / 'net.onnx'))
