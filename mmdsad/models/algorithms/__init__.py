from .checked_teacher_distill import CheckedTeacherDistill

__all__ = ['CheckedTeacherDistill']
