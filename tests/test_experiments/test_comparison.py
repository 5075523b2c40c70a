"""Comparison.bind_teacher: a work dir's results belong to one teacher."""
import json

import pytest
import torch

from mmdsad.utils.weights_only import save_weights_only
from mmdsad_experiments.comparison import Comparison, weights_sha256
from mmdsad_experiments.study_runs import StudySettings


def comparison(work_dir, teacher):
    return Comparison(StudySettings(work_dir=str(work_dir)), str(teacher),
                      'configs/dnanet/dnanet_num4_nudt.py')


def teacher_file(path, weight: float, meta: dict):
    state_dict = dict(conv=torch.full((2, 3), weight),
                      bn_count=torch.tensor(7))
    save_weights_only(state_dict, meta, str(path))
    return path


def test_the_hash_is_of_the_weights_not_of_the_file(tmp_path):
    first = teacher_file(tmp_path / 'a.pth', 0.5, dict(time='20261202_1934'))
    retrained = teacher_file(tmp_path / 'b.pth', 0.5,
                             dict(time='20261203_0602', cfg='other text'))
    assert first.read_bytes() != retrained.read_bytes()
    assert weights_sha256(str(first)) == weights_sha256(str(retrained))
    other = teacher_file(tmp_path / 'c.pth', 0.5000001, dict(time='x'))
    assert weights_sha256(str(other)) != weights_sha256(str(first))


def test_a_work_dir_resumes_only_with_the_same_teacher_weights(tmp_path):
    teacher = teacher_file(tmp_path / 'teacher.pth', 0.5, dict(time='t0'))
    work_dir = tmp_path / 'table'
    sha256 = comparison(work_dir, teacher).bind_teacher()
    record = json.loads((work_dir / 'teacher.json').read_text())
    assert record == dict(checkpoint=str(teacher), weights_sha256=sha256)
    # A teacher retrained to the same weights, saved at another time,
    # resumes it.
    retrained = teacher_file(tmp_path / 'retrained.pth', 0.5, dict(time='t1'))
    assert comparison(work_dir, retrained).bind_teacher() == sha256
    other = teacher_file(tmp_path / 'other.pth', 0.25, dict(time='t0'))
    with pytest.raises(ValueError, match='holds results distilled from'):
        comparison(work_dir, other).bind_teacher()
    # The record is kept as it was.
    assert json.loads((work_dir / 'teacher.json').read_text()) == record


def test_a_record_of_the_file_bytes_is_refused_with_the_fix(tmp_path):
    teacher = teacher_file(tmp_path / 'teacher.pth', 0.5, dict(time='t0'))
    work_dir = tmp_path / 'table'
    work_dir.mkdir()
    old = dict(checkpoint=str(teacher), sha256='ab' * 32)
    (work_dir / 'teacher.json').write_text(json.dumps(old))
    with pytest.raises(ValueError, match="'weights_sha256'"):
        comparison(work_dir, teacher).bind_teacher()
    assert json.loads((work_dir / 'teacher.json').read_text()) == old
