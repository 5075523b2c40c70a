#!/usr/bin/env bash
# Test on several processes (GPUs) with torchrun and mmengine's pytorch
# launcher:
#   tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCESSES [tools/test.py options...]
# Several machines: set NNODES, NODE_RANK, MASTER_ADDR and PORT on each;
# PYTHON picks the interpreter (default: python on the PATH).
# On CPU, add --cfg-options env_cfg.dist_cfg.backend=gloo
# model_wrapper_cfg.device_ids=None (mmdsad/utils/mmengine_compat.py).
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 CONFIG CHECKPOINT NUM_PROCESSES [tools/test.py options...]" >&2
    exit 2
fi
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
TOOLS=$(dirname "$0")
exec "${PYTHON:-python}" -m torch.distributed.run \
    --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$TOOLS/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "${@:4}"
