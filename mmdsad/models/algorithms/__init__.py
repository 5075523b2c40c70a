from .checked_teacher_distill import CheckedTeacherDistill
from .crosskd_distill import CrossKDDistill

__all__ = ['CheckedTeacherDistill', 'CrossKDDistill']
