"""mmengine reads YAML with PyYAML's safe loader once mmdsad is imported."""
import os.path as osp

import pytest
import yaml
from mmengine.config import Config
from mmengine.fileio import load


def test_python_tags_are_refused_before_they_run(tmp_path):
    marker = tmp_path / 'PWNED'
    evil = tmp_path / 'model-index.yml'
    evil.write_text(
        f"Import: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(yaml.YAMLError):
        load(str(evil))
    with pytest.raises(yaml.YAMLError):
        Config.fromfile(str(evil))
    assert not marker.exists()


def test_our_model_index_reads_as_plain_data(repo_root):
    index = load(osp.join(repo_root, 'model-index.yml'))
    assert isinstance(index, dict) and index
