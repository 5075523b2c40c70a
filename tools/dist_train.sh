#!/usr/bin/env bash
# Train on several processes (GPUs) with torchrun and mmengine's pytorch
# launcher:
#   tools/dist_train.sh CONFIG NUM_PROCESSES [tools/train.py options...]
# Several machines: set NNODES, NODE_RANK, MASTER_ADDR and PORT on each;
# PYTHON picks the interpreter (default: python on the PATH).
# On CPU, add --cfg-options env_cfg.dist_cfg.backend=gloo
# model_wrapper_cfg.device_ids=None (mmdsad/utils/mmengine_compat.py).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 CONFIG NUM_PROCESSES [tools/train.py options...]" >&2
    exit 2
fi
CONFIG=$1
NPROC=$2
TOOLS=$(dirname "$0")
exec "${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$TOOLS/train.py" "$CONFIG" --launcher pytorch "${@:3}"
