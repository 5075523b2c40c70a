"""closest_names: the suggestions every 'no such module' error gives."""
from mmdsad.utils.names import NUM_SUGGESTIONS, closest_names


def test_a_misspelt_module_path_finds_the_module_first():
    names = ['backbone.conv4_0', 'backbone.conv3_0', 'decode_head.final']
    assert closest_names('backbone.conv4_O', names)[0] == 'backbone.conv4_0'


def test_at_most_a_few_and_none_for_a_stranger():
    names = [f'backbone.layer_{k}' for k in range(10)]
    assert len(closest_names('backbone.layer_x', names)) == NUM_SUGGESTIONS
    assert closest_names('zzzzzz', names) == []
