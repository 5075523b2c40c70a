"""preprocessor_normalisation: mean and std of mmseg's preprocessor."""
import torch
from mmseg.models import SegDataPreProcessor

from mmdsad.utils.preprocessor import preprocessor_normalisation


def test_normalising_preprocessor_gives_its_mean_and_std():
    preprocessor = SegDataPreProcessor(
        mean=[1.0, 2.0, 3.0], std=[4.0, 5.0, 6.0])
    mean, std = preprocessor_normalisation(preprocessor)
    assert mean.shape == std.shape == (3, 1, 1)
    torch.testing.assert_close(mean.flatten(), torch.tensor([1.0, 2.0, 3.0]))
    torch.testing.assert_close(std.flatten(), torch.tensor([4.0, 5.0, 6.0]))


def test_preprocessor_without_normalisation_gives_none():
    assert preprocessor_normalisation(SegDataPreProcessor()) is None
