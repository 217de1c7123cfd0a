#!/usr/bin/env bash
# The long from-scratch run declared in docs/training.md ("Long from-scratch run"), resumable across machines.
#   bash scripts/long_run.sh          start it, or continue it from $RUN_DIR/ckpt or else from the committed state
#   bash scripts/long_run.sh carry    after a clean stop: write the compact state to checkpoints/long-run/ to commit
# Run it alone on the machine: anything beside it slows training several-fold.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR=${RUN_DIR:-runs/long}   # exact per-epoch checkpoints and the output; ignored by git
CARRIED=checkpoints/long-run    # the committed compact state that a new machine resumes from

if [ "${1:-}" = carry ]; then
  [ -f "$RUN_DIR/ckpt/checkpoint.json" ] || { echo "carry: no checkpoint in $RUN_DIR/ckpt to carry" >&2; exit 2; }
  exec .venv/bin/python -c "import sys; from densenet_viz.train.checkpoint import compact_checkpoint as c
print(f'{sys.argv[2]}: {c(sys.argv[1], sys.argv[2]) / 1e6:.1f} MB')" "$RUN_DIR/ckpt" "$CARRIED"
fi
resume=()
if [ ! -f "$RUN_DIR/ckpt/checkpoint.json" ] && [ -f "$CARRIED/checkpoint.json" ]; then
  mkdir -p "$RUN_DIR/ckpt" && cp "$CARRIED"/checkpoint.* "$RUN_DIR/ckpt/"
fi
[ -f "$RUN_DIR/ckpt/checkpoint.json" ] && resume=(--resume)
exec .venv/bin/python -m densenet_viz train --data ../shared/data/flowers \
    --ood-data ../shared/data/other_flowers/train --out "$RUN_DIR/flowers-densenet121.safetensors" \
    --checkpoint-dir "$RUN_DIR/ckpt" --epochs 260 --optimizer adamw --lr 2e-3 --weight-decay 0.05 \
    --warmup-epochs 3 --train-size 128 --final-train-size 208 --ramp-start 0.5 --ramp-end 0.85 \
    --eval-size 208 --eval-every 10 --augment trivial --min-scale 0.25 --mixup 0.2 --cutmix 1.0 \
    --mix-prob 0.5 --mix-off 0.1 --ema 0.998 --ood-batch 10 --synthetic-share 0.2 --ood-weight 0.5 \
    --label-smoothing 0.1 --seed 5 "${resume[@]}" "$@"
