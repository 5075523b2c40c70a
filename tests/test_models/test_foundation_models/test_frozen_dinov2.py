"""FrozenDINOv2: local snapshot loading, taps, normalisation, freezing."""
import json

import pytest
import torch
import transformers

from mmdsad.models.foundation_models import FrozenDINOv2, evenly_spaced_blocks

EMBED_DIM = 32


@pytest.fixture(scope='module')
def register_snapshot(tmp_path_factory, save_tiny_dinov2):
    return save_tiny_dinov2(
        str(tmp_path_factory.mktemp('dinov2_reg')), num_register_tokens=3)


def test_evenly_spaced_blocks():
    assert evenly_spaced_blocks(12, 4) == [2, 5, 8, 11]  # ViT-S/14
    assert evenly_spaced_blocks(4, 4) == [0, 1, 2, 3]
    assert evenly_spaced_blocks(24, 4) == [5, 11, 17, 23]  # ViT-L/14
    with pytest.raises(ValueError, match='depth 4'):
        evenly_spaced_blocks(4, 5)


def test_maps_are_normalised_last_block_patch_tokens(dinov2_snapshot):
    vfm = FrozenDINOv2(dinov2_snapshot)
    images = torch.rand(2, 3, 64, 36) * 255
    maps = vfm(images)
    # Sides rounded to multiples of 14: 64 -> 70, 36 -> 42.
    assert [m.shape for m in maps] == [(2, EMBED_DIM, 5, 3)] * 4
    # Independent path: the reference model on ImageNet-normalised pixels;
    # its last_hidden_state is the final LayerNorm of the last block.
    reference = transformers.Dinov2Model.from_pretrained(
        dinov2_snapshot, local_files_only=True).eval()
    pixels = torch.nn.functional.interpolate(
        images / 255, size=(70, 42), mode='bilinear', align_corners=False)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    with torch.no_grad():
        tokens = reference(pixel_values=(pixels - mean) / std
                           ).last_hidden_state
    for row in range(5):
        for col in range(3):
            torch.testing.assert_close(maps[-1][:, :, row, col],
                                       tokens[:, 1 + row * 3 + col])
    assert not torch.allclose(maps[0], maps[-1])


def test_gray_images_are_replicated_to_rgb(dinov2_snapshot):
    vfm = FrozenDINOv2(dinov2_snapshot, tap_blocks=[1])
    gray = torch.rand(1, 1, 28, 28) * 255
    torch.testing.assert_close(vfm(gray)[0], vfm(gray.expand(-1, 3, -1,
                                                             -1))[0])


def test_register_variant_skips_register_tokens(register_snapshot):
    vfm = FrozenDINOv2(register_snapshot, tap_blocks=[3], input_size=(28, 42))
    assert vfm.num_prefix_tokens == 4
    images = torch.rand(1, 3, 50, 50) * 255
    maps = vfm(images)
    assert maps[0].shape == (1, EMBED_DIM, 2, 3)
    reference = transformers.Dinov2WithRegistersModel.from_pretrained(
        register_snapshot, local_files_only=True).eval()
    pixels = torch.nn.functional.interpolate(
        images / 255, size=(28, 42), mode='bilinear', align_corners=False)
    with torch.no_grad():
        tokens = reference(pixel_values=(pixels - vfm.mean) / vfm.std
                           ).last_hidden_state
    torch.testing.assert_close(maps[0].flatten(2).transpose(1, 2),
                               tokens[:, 4:])


def test_frozen_and_always_eval(dinov2_snapshot):
    vfm = FrozenDINOv2(dinov2_snapshot)
    vfm.train()
    assert not vfm.training and not vfm.model.training
    assert not any(p.requires_grad for p in vfm.parameters())
    images = (torch.rand(1, 3, 28, 28) * 255).requires_grad_()
    assert all(m.grad_fn is None for m in vfm(images))


def test_missing_snapshot_names_path_and_fetch_command(tmp_path):
    missing = str(tmp_path / 'dinov2-small')
    with pytest.raises(FileNotFoundError) as error:
        FrozenDINOv2(missing)
    assert missing in str(error.value)
    assert f'hf download facebook/dinov2-small --local-dir {missing}' in str(
        error.value)


def test_wrong_snapshot_type(tmp_path):
    (tmp_path / 'config.json').write_text(
        json.dumps({'model_type': 'bert'}))
    with pytest.raises(ValueError, match="'bert' model, not DINOv2"):
        FrozenDINOv2(str(tmp_path))


def test_snapshot_without_weights(tmp_path, dinov2_snapshot):
    (tmp_path / 'config.json').write_text(
        open(f'{dinov2_snapshot}/config.json').read())
    with pytest.raises(OSError, match='hf download'):
        FrozenDINOv2(str(tmp_path))


def test_tap_beyond_depth_names_the_depth(dinov2_snapshot):
    with pytest.raises(ValueError, match='depth 4'):
        FrozenDINOv2(dinov2_snapshot, tap_blocks=[1, 4])


def test_input_size_must_be_multiple_of_14(dinov2_snapshot):
    with pytest.raises(ValueError, match='multiples of 14'):
        FrozenDINOv2(dinov2_snapshot, input_size=(28, 30))
