"""JSON results written so that no reader ever sees half a file."""
import json
import os
import os.path as osp
from typing import Any


def write_json_atomically(path: str, data: Any) -> None:
    """Write ``data`` as indented JSON to ``path`` through a temporary file.

    The temporary file sits beside ``path`` (``os.replace`` is then a
    rename on one file system), so an interrupted write leaves the earlier
    file, or none, never a truncated one. Whether ``path`` may be replaced
    is the caller's decision.

    Args:
        path (str): The JSON file; its folder is created.
        data: Anything ``json.dump`` takes.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    temporary = f'{path}.{os.getpid()}.tmp'
    try:
        with open(temporary, 'w', encoding='utf-8') as file:
            json.dump(data, file, indent=2)
        os.replace(temporary, path)
    finally:
        if osp.exists(temporary):
            os.remove(temporary)
