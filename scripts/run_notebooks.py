"""Executes tslab notebooks headless (the project's main job and its notebook tests).

Driven by scripts/run-notebooks.js, which finds a Python that has nbclient and sets
up the project-local Jupyter environment. For each notebook:

* runs every code cell with the tslab kernel (cwd = the notebook's folder),
* numbers the cells, keeps only the final state of carriage-return progress lines and
  merges consecutive stream outputs,
* on a failing cell prints that cell and its real error text (tslab's execute_reply
  carries only ``<Error>:``; the text is in the cell's stderr stream), and also catches
  errors the kernel printed to its own stderr after a cell returned (an exception
  thrown in a timer, an unhandled promise rejection),
* writes ``<out>/<name>.ipynb`` (partial on failure) and ``<out>/<name>.html``,
* and finally gathers ``<out>/*.metrics.json`` into ``<out>/summary.json`` and prints a
  table plus ``N passed, N failed``.

Exit status: 0 when every notebook passed, 1 otherwise, 2 on bad usage.
"""
import argparse
import json
import os
import re
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

# Time granted to timers and promises started by a cell before we look for late errors.
SETTLE_MS = int(os.environ.get("RNN_SETTLE_MS", "150"))

# Hidden cells. tslab prints an exception thrown after a cell returned (a timer, a
# rejected promise) through the finished cell's stderr, which nbclient has already
# stopped listening to; so the runner records such errors in the kernel and asks for
# them after every cell.
PROBE_SETUP = """{
  const g = globalThis as any;
  g.__rnnLateErrors = [];
  process.removeAllListeners("uncaughtException");
  process.removeAllListeners("unhandledRejection");
  process.on("uncaughtException", (e: any) => { g.__rnnLateErrors.push("Uncaught exception: " + ((e && e.stack) || e)); });
  process.on("unhandledRejection", (e: any) => { g.__rnnLateErrors.push("Unhandled promise rejection: " + ((e && e.stack) || e)); });
}"""
PROBE_CHECK = """await new Promise((r) => setTimeout(r, %d));
{
  const late: string[] = (globalThis as any).__rnnLateErrors.splice(0);
  if (late.length) { process.stderr.write(late.join("\\n") + "\\n"); throw new Error("__rnn_late_errors__"); }
}""" % SETTLE_MS


def collapse_carriage_returns(text):
    """Keeps what a terminal would show: text before a '\\r' on the same line is overwritten."""
    out = []
    for line in text.replace("\r\n", "\n").split("\n"):
        out.append(line.rsplit("\r", 1)[-1] if "\r" in line else line)
    return "\n".join(out)


def tidy_outputs(outputs):
    """Merges consecutive stream outputs of the same name and collapses progress lines."""
    merged = []
    for out in outputs:
        if out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream" \
                and merged[-1].get("name") == out.get("name"):
            merged[-1]["text"] += out["text"]
        else:
            merged.append(out)
    for out in merged:
        if out.get("output_type") == "stream":
            out["text"] = collapse_carriage_returns(out["text"])
    return merged


def error_text(cell):
    """The real error of a failed cell, from its outputs (tslab writes it to stderr)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out["text"])
        elif out.get("output_type") == "error":
            parts.append("%s: %s" % (out.get("ename", ""), out.get("evalue", "")))
            parts.extend(out.get("traceback", []))
    text = "".join(parts).strip()
    return text or "(the kernel reported an error without any text)"


class KernelLog:
    """Reads what the kernel process writes to its stderr, incrementally."""

    def __init__(self):
        self.file = tempfile.TemporaryFile(mode="w+b")
        self.pos = 0

    def new_text(self):
        self.file.flush()
        self.file.seek(self.pos)
        data = self.file.read()
        self.pos += len(data)
        self.file.seek(0, 2)
        return data.decode("utf-8", "replace")


def hidden_cell(client, source, index):
    """Runs `source` in the kernel outside the notebook; returns its error text or None."""
    cell = nbformat.v4.new_code_cell(source)
    original = client.nb.cells[index] if index < len(client.nb.cells) else None
    try:
        client.execute_cell(cell, index)
    except CellExecutionError:
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stderr")
        return text.split("Error: __rnn_late_errors__")[0].strip() or error_text(cell)
    finally:
        # nbclient stores the executed cell at `index`: put the notebook's own cell back.
        if original is not None:
            client.nb.cells[index] = original
    return None


def write_atomic(path, text):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


EMPTY_SCRIPT = "data:text/javascript,"


def local_script_or_empty(url):
    """Debian's nbconvert points the HTML at /usr/share/javascript files (require.js,
    MathJax) that exist only if libjs-requirejs / libjs-mathjax are installed. A missing
    file would be a load error in every viewer, so it is replaced by an empty script: the
    charts need neither, and without MathJax the few formulas stay readable TeX."""
    if url.startswith("file://") and not os.path.exists(url[len("file://"):].split("?")[0]):
        return EMPTY_SCRIPT
    return url


def export_html(nb, path):
    from nbconvert import HTMLExporter
    exporter = HTMLExporter()
    for trait in ("require_js_url", "mathjax_url", "jquery_url"):
        if exporter.has_trait(trait):
            setattr(exporter, trait, local_script_or_empty(getattr(exporter, trait)))
    body, _ = exporter.from_notebook_node(nb)
    write_atomic(path, body)


def indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.splitlines())


def run_notebook(path, out_dir, cell_timeout, kernel_name):
    name = os.path.splitext(os.path.basename(path))[0]
    nb = nbformat.read(path, as_version=4)
    nb_dir = os.path.dirname(os.path.abspath(path))
    os.environ["RNN_NOTEBOOK"] = name
    metrics_file = os.path.join(out_dir, name + ".metrics.json")
    if os.path.exists(metrics_file):
        os.remove(metrics_file)  # a stale file must not pass for this run's results
    client = NotebookClient(nb, kernel_name=kernel_name, timeout=cell_timeout,
                            resources={"metadata": {"path": nb_dir}})
    log = KernelLog()
    result = {"notebook": name, "cells": 0, "seconds": 0.0, "status": "passed", "error": None}
    start = time.time()
    count = 0
    print("▶ %s" % path, flush=True)
    try:
        with client.setup_kernel(stderr=log.file):
            setup_error = hidden_cell(client, PROBE_SETUP, 0)
            if setup_error is not None:
                raise RuntimeError("the runner's setup cell failed: " + setup_error)
            for index, cell in enumerate(list(nb.cells)):
                if cell.cell_type != "code":
                    continue
                count += 1
                failure = None
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    failure = "timed out after %s s (set RNN_CELL_TIMEOUT to allow more)" % cell_timeout
                except CellExecutionError:
                    failure = error_text(cell)
                except DeadKernelError as exc:
                    failure = "the kernel died: %s\n%s" % (exc, log.new_text())
                cell.execution_count = count
                cell.outputs = tidy_outputs(cell.outputs)
                if failure is None:
                    late = hidden_cell(client, PROBE_CHECK, index)
                    if late is not None:
                        failure = "error raised asynchronously after the cell returned:\n" + late
                        cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=late + "\n"))
                if failure is not None:
                    result["status"] = "failed"
                    result["error"] = failure
                    src = cell.source if len(cell.source) < 2000 else cell.source[:2000] + "\n…"
                    print("✗ %s: cell %d failed\n  cell source:\n%s\n  error:\n%s" %
                          (name, count, indent(src), indent(failure)), file=sys.stderr, flush=True)
                    break
    except Exception as exc:  # kernel could not start, etc.
        result["status"] = "failed"
        result["error"] = "%s: %s\n%s" % (type(exc).__name__, exc, log.new_text())
        print("✗ %s: %s" % (name, result["error"]), file=sys.stderr, flush=True)
    result["cells"] = count
    result["seconds"] = round(time.time() - start, 1)
    os.makedirs(out_dir, exist_ok=True)
    write_atomic(os.path.join(out_dir, name + ".ipynb"), nbformat.writes(nb))
    try:
        export_html(nb, os.path.join(out_dir, name + ".html"))
    except Exception as exc:
        print("! %s: HTML export failed: %s" % (name, exc), file=sys.stderr)
        if result["status"] == "passed":
            result["status"] = "failed"
            result["error"] = "HTML export failed: %s" % exc
    if result["status"] == "passed" and not os.path.exists(metrics_file):
        result["status"] = "failed"
        result["error"] = "the notebook did not call report(...) (no %s)" % metrics_file
        print("✗ %s: %s" % (name, result["error"]), file=sys.stderr)
    if os.path.exists(metrics_file):
        with open(metrics_file, encoding="utf-8") as f:
            result["metrics"] = json.load(f).get("metrics", {})
    return result


def key_metrics(metrics, limit=4):
    flat = []
    for k, v in (metrics or {}).items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            flat.append("%s=%.4g" % (k, v))
    return ", ".join(flat[:limit])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("RNN_CELL_TIMEOUT", "3600")))
    parser.add_argument("--kernel", default="tslab")
    args = parser.parse_args()
    results = []
    for path in args.notebooks:
        if not os.path.exists(path):
            print("✗ %s: no such notebook" % path, file=sys.stderr)
            results.append({"notebook": path, "cells": 0, "seconds": 0, "status": "failed", "error": "missing"})
            continue
        results.append(run_notebook(path, args.out, args.timeout, args.kernel))
    summary = {"generatedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "quick": os.environ.get("RNN_QUICK", "") not in ("", "0", "false"),
               "notebooks": results}
    write_atomic(os.path.join(args.out, "summary.json"), json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    w = max([len("notebook")] + [len(r["notebook"]) for r in results])
    print("\n%s  %5s  %8s  %-6s  %s" % ("notebook".ljust(w), "cells", "seconds", "status", "key metrics"))
    for r in results:
        print("%s  %5d  %8.1f  %-6s  %s" % (r["notebook"].ljust(w), r["cells"], r["seconds"], r["status"],
                                            key_metrics(r.get("metrics"))))
    passed = sum(1 for r in results if r["status"] == "passed")
    failed = len(results) - passed
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
