"""check_state_dict_fits: one strict check, one error, for every loader."""
import pytest
import torch

from mmdsad.utils.state_dict_fit import (
    MAX_LISTED_KEYS,
    CheckpointMismatchError,
    check_state_dict_fits,
    state_dict_mismatches,
)

EXPECTED = {'a': torch.zeros(2), 'b': torch.zeros(3, 1)}


def test_a_fitting_state_dict_passes():
    assert state_dict_mismatches(EXPECTED, dict(EXPECTED)) == []
    check_state_dict_fits(EXPECTED, dict(EXPECTED), 'x.pth')


def test_each_kind_of_mismatch_is_listed_with_the_fix():
    state = {'b': torch.zeros(3), 'c': torch.zeros(1)}
    with pytest.raises(CheckpointMismatchError) as error:
        check_state_dict_fits(EXPECTED, state, 'x.pth does not match y',
                              'Use the right config.')
    assert str(error.value) == (
        'x.pth does not match y: missing from the checkpoint (1): a; '
        'not in the network (1): c; checkpoint vs network shape (1): '
        'b (3,) vs (3, 1). Use the right config.')


def test_long_lists_are_cut():
    state = {f'k{i}': torch.zeros(1) for i in range(MAX_LISTED_KEYS + 2)}
    (missing, unexpected) = state_dict_mismatches(EXPECTED, state)
    assert unexpected.endswith('... and 2 more')
    assert missing.startswith('missing from the checkpoint (2)')
