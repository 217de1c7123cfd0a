"""Two training processes with DistributedDataParallel (gloo, CPU) end with identical weights."""

import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import torch
from safetensors.torch import load_file

from testkit import make_flower_folder

ROOT = Path(__file__).resolve().parents[2]

WORKER = textwrap.dedent("""
    import os, sys
    import torch
    from safetensors.torch import save_file
    from densenet_viz.train import TrainArgs, fit
    data, out = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    args = TrainArgs(data=data, out="unused", preset="densenet_bc100_k12", epochs=2, batch_size=2, lr=3e-3,
                     train_size=32, eval_size=32, device="cpu", progress=False, seed=0)
    model, card = fit(args, log=lambda *a: None)
    rank = int(os.environ["RANK"])
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, f"{out}/rank{rank}.safetensors", metadata={"steps": str(card["training"]["steps"]),
              "world": str(card["training"]["world_size"])})
""")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_gloo_ranks_end_with_identical_weights(tmp_path):
    data = tmp_path / "data"
    make_flower_folder(data / "train", per_class=6)  # no val/: every image is training data
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_addr=127.0.0.1",
           f"--master_port={_free_port()}", str(script), str(data), str(tmp_path)]
    env = {"PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    ranks = [load_file(str(tmp_path / f"rank{r}.safetensors")) for r in (0, 1)]
    assert set(ranks[0]) == set(ranks[1])
    for key, value in ranks[0].items():
        torch.testing.assert_close(value, ranks[1][key], rtol=0, atol=0, msg=key)
    from safetensors import safe_open

    for r in (0, 1):
        with safe_open(str(tmp_path / f"rank{r}.safetensors"), "pt") as f:
            meta = f.metadata()
        assert meta["world"] == "2" and int(meta["steps"]) >= 2  # DDP really ran, on two ranks
    # Both ranks really trained (in step): BN statistics moved away from their initial zeros.
    assert ranks[0]["features.norm5.running_mean"].abs().sum() > 0
