"""Comparison.bind_teacher: a work dir's results belong to one teacher."""
import json

import pytest

from mmdsad_experiments.comparison import Comparison
from mmdsad_experiments.study_runs import StudySettings


def comparison(work_dir, teacher):
    return Comparison(StudySettings(work_dir=str(work_dir)), str(teacher),
                      'configs/dnanet/dnanet_num4_nudt.py')


def test_a_work_dir_resumes_only_with_the_same_teacher_bytes(tmp_path):
    teacher = tmp_path / 'teacher.pth'
    teacher.write_bytes(b'weights of the first teacher')
    work_dir = tmp_path / 'table'
    sha256 = comparison(work_dir, teacher).bind_teacher()
    record = json.loads((work_dir / 'teacher.json').read_text())
    assert record == dict(checkpoint=str(teacher), sha256=sha256)
    # The same bytes elsewhere (a teacher retrained to them) resume it.
    copy = tmp_path / 'retrained.pth'
    copy.write_bytes(teacher.read_bytes())
    assert comparison(work_dir, copy).bind_teacher() == sha256
    other = tmp_path / 'other.pth'
    other.write_bytes(b'weights of another teacher')
    with pytest.raises(ValueError, match='holds results distilled from'):
        comparison(work_dir, other).bind_teacher()
    # The record is kept as it was.
    assert json.loads((work_dir / 'teacher.json').read_text()) == record
