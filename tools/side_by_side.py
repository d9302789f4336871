"""Run several trainings at once on one machine until a deadline, then collect what they wrote.

A lent GPU is held for minutes, and one ``fercnn train`` of this small model leaves most of it
idle (an H200 ran three at about 6 s an epoch each). So each config runs as its own process;
at the deadline the ones still going are stopped (every epoch was checkpointed, so ``train
--config`` on the same folder resumes them later), and each run's folder is copied to
``--collect`` with its log, followed by a table of best epochs. The project's device tool
returns at most 8 files from ``$OUT``, so collect elsewhere and archive it there:

    KERAS_BACKEND=jax XLA_PYTHON_CLIENT_MEM_FRACTION=0.25 \\
        python tools/side_by_side.py --deadline 500 --collect /tmp/runs runs/a.json runs/b.json runs/c.json
    tar czf $OUT/runs.tgz -C /tmp/runs .

Each argument is a ``config.json`` as ``train`` writes it; its ``output_dir`` names the run.
"""

import argparse
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

GRACE_SECONDS = 10
# fercnn.checkpoints' file names, not imported from it: that imports Keras, and Keras on JAX in
# this process could claim GPU memory that the runs need
HISTORY = "history.csv"
LAST_CHECKPOINT = "last_checkpoint.keras"


def launch(config_path, config, log_path, python=sys.executable):
    """One ``fercnn train`` process for ``config_path`` (read as ``config``), its output going
    to ``log_path``.

    ``train`` takes the data and the run folder from its flags, not from the config (a config
    keeps the paths of the machine that wrote it), so they are passed as flags here."""
    command = [python, "-m", "fercnn", "train", "--config", str(config_path), "--quiet"]
    command += ["--data", config["data"], "--output-dir", config["output_dir"]]
    with open(log_path, "w") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def wait_until(processes, deadline):
    """Wait for every process to end or for ``deadline`` (a ``time.monotonic`` value), then stop
    what still runs: SIGTERM, and SIGKILL after a grace period. Returns the exit codes."""
    while time.monotonic() < deadline and any(process.poll() is None for process in processes):
        time.sleep(1)
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return [process.returncode for process in processes]


def collect(run_dir, destination, keep_checkpoint=False):
    """Copy a run's folder, without its resumable checkpoint unless asked (10 MB a run)."""
    ignore = None if keep_checkpoint else shutil.ignore_patterns(LAST_CHECKPOINT)
    if Path(run_dir).is_dir():
        shutil.copytree(run_dir, destination, ignore=ignore, dirs_exist_ok=True)


def summary_row(name, run_dir, exit_code):
    """Epochs done and the best PublicTest accuracy with its epoch (1-based), from history.csv."""
    history_path = Path(run_dir) / HISTORY
    nan = float("nan")
    row = {"run": name, "exit": exit_code, "epochs": 0, "best": nan, "best_epoch": 0, "last": nan}
    if history_path.is_file():
        history = pd.read_csv(history_path)
        if len(history):
            best = history["val_accuracy"].idxmax()
            row |= {
                "epochs": len(history),
                "best": history["val_accuracy"][best],
                "best_epoch": int(history["epoch"][best]) + 1,
                "last": history["val_accuracy"].iloc[-1],
            }
    return row


def run_side_by_side(config_paths, seconds, collect_dir, keep_checkpoints=False):
    start = time.monotonic()
    collect_dir = Path(collect_dir)
    collect_dir.mkdir(parents=True, exist_ok=True)
    configs = [json.loads(Path(path).read_text()) for path in config_paths]
    run_dirs = [Path(config["output_dir"]) for config in configs]
    names = [run_dir.name for run_dir in run_dirs]
    if len(set(names)) != len(names):
        raise ValueError(f"two configs write to folders of one name ({names}): give each its own output_dir")
    logs = [collect_dir / f"{name}.log" for name in names]
    runs = zip(config_paths, configs, logs, strict=True)
    processes = [launch(path, config, log) for path, config, log in runs]
    exit_codes = wait_until(processes, start + seconds)
    rows = []
    for name, run_dir, exit_code in zip(names, run_dirs, exit_codes, strict=True):
        collect(run_dir, collect_dir / name, keep_checkpoints)
        rows.append(summary_row(name, run_dir, exit_code))
    return pd.DataFrame(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="+", help="train config.json files, one per run")
    parser.add_argument("--deadline", type=float, required=True, help="seconds from now to stop every run")
    parser.add_argument("--collect", required=True, help="folder to copy each run's files and log to")
    parser.add_argument("--keep-checkpoints", action="store_true", help=f"also copy each {LAST_CHECKPOINT}")
    args = parser.parse_args(argv)
    table = run_side_by_side(args.configs, args.deadline, args.collect, args.keep_checkpoints)
    print(table.to_string(index=False, float_format=lambda value: f"{value:.4f}"))


if __name__ == "__main__":
    sys.exit(main())
