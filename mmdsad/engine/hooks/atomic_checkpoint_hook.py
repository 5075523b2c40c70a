"""mmengine's CheckpointHook, with no moment where no valid checkpoint exists.
"""
import contextlib
import functools
import os
import os.path as osp
from typing import Any, Callable, Iterator, List

from mmengine.hooks import CheckpointHook
from mmseg.registry import HOOKS


class _DeferredRemoval:
    """A file backend whose removals wait until the new checkpoint is saved.
    """

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.removed: List[str] = []

    def remove(self, path: str) -> None:
        self.removed.append(path)

    def rmtree(self, path: str) -> None:
        self.removed.append(path)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)


def atomic_save(save_checkpoint: Callable) -> Callable:
    """Wrap ``Runner.save_checkpoint`` to write through a temporary file.

    The checkpoint goes to a hidden name in the same folder, is flushed to
    disk and renamed over the final name, so a reader (``--resume``) sees
    the old file or the complete new one, never half of one.

    Args:
        save_checkpoint (Callable): A runner's bound ``save_checkpoint``.

    Returns:
        Callable: Same signature.
    """

    @functools.wraps(save_checkpoint)
    def save(out_dir: str, filename: str, *args, **kwargs) -> None:
        temporary = f'.{filename}.{os.getpid()}.tmp'
        path = osp.join(out_dir, temporary)
        try:
            save_checkpoint(out_dir, temporary, *args, **kwargs)
            # Runner.save_checkpoint writes on the main process only.
            if not osp.isfile(path):
                return
            with open(path, 'rb') as f:
                os.fsync(f.fileno())
            os.replace(path, osp.join(out_dir, filename))
        finally:
            if osp.exists(path):
                os.remove(path)

    save.atomic = True
    return save


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """:class:`mmengine.hooks.CheckpointHook` that writes atomically and
    prunes only after the new checkpoint is complete.

    mmengine deletes the oldest checkpoint (and the previous ``best_*``)
    before it writes the new one, and writes in place: with
    ``max_keep_ckpts=1`` a kill during the write leaves no loadable
    checkpoint, and ``--resume`` fails. Here every save goes to a temporary
    file that is renamed into place (:func:`atomic_save`), and removals wait
    until the save has returned; if the save fails, nothing is removed.
    Arguments are the parent's.
    """

    def before_train(self, runner) -> None:
        super().before_train(runner)
        # The runner writes checkpoint files in place; every save of this
        # run (this hook's and others') goes through the temporary file.
        if not getattr(runner.save_checkpoint, 'atomic', False):
            runner.save_checkpoint = atomic_save(runner.save_checkpoint)

    @contextlib.contextmanager
    def _removals_after_save(self) -> Iterator[None]:
        """Defer the parent's removals to after the save (outermost call)."""
        if isinstance(self.file_backend, _DeferredRemoval):
            yield
            return
        deferred = _DeferredRemoval(self.file_backend)
        self.file_backend = deferred
        try:
            yield
        finally:
            self.file_backend = deferred.backend
        kept = {self.last_ckpt, getattr(self, 'best_ckpt_path', None)}
        kept.update(getattr(self, 'best_ckpt_path_dict', {}).values())
        for path in deferred.removed:
            if path in kept:
                continue
            if self.file_backend.isfile(path):
                self.file_backend.remove(path)
            elif self.file_backend.isdir(path):
                self.file_backend.rmtree(path)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        with self._removals_after_save():
            super()._save_checkpoint_with_step(runner, step, meta)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        with self._removals_after_save():
            super()._save_best_checkpoint(runner, metrics)
