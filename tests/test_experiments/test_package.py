"""mmdsad_experiments is for the tools: no library module may import it."""
import ast
import glob
import os.path as osp
from typing import List

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PACKAGE = 'mmdsad_experiments'


def _names_experiments(module: str) -> bool:
    return module == PACKAGE or module.startswith(PACKAGE + '.')


def experiment_imports(source: str) -> List[int]:
    """Lines of ``source`` that import ``mmdsad_experiments``: ``import``
    and ``from`` statements, and ``importlib.import_module`` or
    ``__import__`` with the name as a literal."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or '']
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, 'attr', getattr(node.func, 'id', ''))
              in ('import_module', '__import__')):
            names = [node.args[0].value]
        else:
            continue
        if any(map(_names_experiments, names)):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize('source, lines', [
    ('import mmdsad_experiments\n', [1]),
    ('import os\nfrom mmdsad_experiments.tool_runs import run_logged\n',
     [2]),
    ('def f():\n    import mmdsad_experiments.study_runs as s\n', [2]),
    ('import importlib\nimportlib.import_module("mmdsad_experiments")\n',
     [2]),
    ('__import__("mmdsad_experiments.benchmark")\n', [1]),
    ('from mmdsad.utils import cli\nimport mmdsad_experimental\n', []),
    ('from . import tool_runs\n', []),
])
def test_the_scan_finds_every_kind_of_import(source, lines):
    assert experiment_imports(source) == lines


def test_no_library_module_imports_the_experiments():
    files = glob.glob(
        osp.join(REPO_ROOT, 'mmdsad', '**', '*.py'), recursive=True)
    assert len(files) > 50, 'the library was not found'
    offending = {}
    for path in files:
        if f'{osp.sep}.mim{osp.sep}' in path:
            continue  # links to configs/ and tools/, not the library
        with open(path, encoding='utf-8') as f:
            lines = experiment_imports(f.read())
        if lines:
            offending[osp.relpath(path, REPO_ROOT)] = lines
    assert not offending, (
        f'library modules import {PACKAGE} (file: lines): {offending}')


def test_the_experiments_are_a_package_of_their_own():
    # setup.py installs what find_packages finds.
    from setuptools import find_packages
    assert PACKAGE in find_packages(REPO_ROOT, include=('mmdsad*', ))
