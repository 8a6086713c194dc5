"""Executes tslab notebooks headless (the project's main job and its notebook tests).

Driven by scripts/run-notebooks.js, which finds a Python that has nbclient and sets
up the project-local Jupyter environment. For each notebook:

* runs every code cell with the tslab kernel (cwd = the notebook's folder),
* numbers the cells, keeps only the final state of carriage-return progress lines and
  merges consecutive stream outputs,
* on a failing cell prints that cell and its real error text (tslab's execute_reply
  carries only ``<Error>:``; the text is in the cell's stderr stream), and also catches
  errors raised after a cell returned (an exception thrown in a timer, an unhandled
  promise rejection; see PROBE_SETUP for which cell is named),
* writes ``<out>/<name>.ipynb`` (partial on failure) and ``<out>/<name>.html``,
* and finally gathers ``<out>/*.metrics.json`` into ``<out>/summary.json`` and prints a
  table plus ``N passed, N failed``.

A notebook that cannot be run (missing, not JSON, not a notebook, a name given twice)
fails alone, with its file and the reason; the others still run. Every file is written
atomically (a temporary file, then a rename); a notebook's previous outputs are removed
before it runs, and summary.json is rewritten before the first notebook (every notebook
"not run"), after each one and at the end, so it never shows an earlier run's results.

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

import notebook_math

def bad_usage(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def env_whole_number(name, default, minimum, unit):
    """`name` from the environment as a whole number ≥ minimum; exits with status 2 otherwise
    (run-notebooks.js checks the same before starting Python)."""
    raw = os.environ.get(name, "")
    if raw.strip() == "":
        return default
    if not raw.strip().isdigit() or int(raw) < minimum:
        bad_usage("%s=\"%s\" is not a number of %s: use a whole number %s (default %d), or unset it."
                 % (name, raw, unit, "≥ 0" if minimum == 0 else "above %d" % (minimum - 1), default))
    return int(raw)


def quick_mode():
    """RNN_QUICK with the words of isQuickMode() (src/runtime/params.ts); exits with status 2 on others."""
    raw = os.environ.get("RNN_QUICK")
    if raw is None:
        return False
    v = raw.strip().lower()
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("", "0", "false", "no", "off"):
        return False
    bad_usage("RNN_QUICK=\"%s\" is not on or off: use 1 (or true, yes, on) for quick mode, or 0 (or false, no, "
             "off, empty) for the documents' settings." % raw)


# Time granted to timers and promises started by a cell before we look for late errors.
SETTLE_MS = env_whole_number("RNN_SETTLE_MS", 150, 0, "milliseconds")

# Hidden cells. An exception thrown after a cell returned (in a timer, a rejected promise)
# is not the cell's error for tslab: it only prints it, on a stream nbclient no longer reads.
# So the runner records such errors inside the kernel and asks for them after every cell.
#
# * A capture callback (process.setUncaughtExceptionCaptureCallback) receives every uncaught
#   exception *instead of* the 'uncaughtException' listeners. A listener is not enough: the
#   tfjs wasm backend (Emscripten) adds its own when initBackend() loads it, after the
#   runner's, and they rethrow, which kills the kernel before the runner can name the cell.
#   Its 'unhandledRejection' listener rethrows too; that rethrow reaches the capture callback
#   as an uncaught exception and is recognised as the rejection already recorded.
# * setTimeout, setInterval and setImmediate are wrapped so that an error thrown in their
#   callback is traced to the cell that set the timer (a timer set inside such a callback
#   belongs to the same cell). Anything else (a promise, an event handler, process.nextTick)
#   cannot be traced cheaply (async_hooks would slow every promise of a training loop), so
#   the error is put on the cell that ran last, and the message says so.
# * __rnnRunner.cell is the number of the code cell running (or last run): the check after
#   cell N sets it to N + 1.
PROBE_SETUP = """{
  const g = globalThis as any;
  const st: any = { errors: [], cell: 1, origin: undefined, thrown: null, rejected: null, setTimeout };
  g.__rnnRunner = st;
  const text = (e: any) => { try { return String((e && e.stack) || e); } catch { return "(unprintable error)"; } };
  const record = (kind: string, e: any, origin: any) => st.errors.push({ kind, text: text(e), cell: st.cell, origin });
  process.removeAllListeners("uncaughtException");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (e: any) => {
    st.rejected = { value: e };
    record("Unhandled promise rejection", e, null);
  });
  process.setUncaughtExceptionCaptureCallback((e: any) => {
    if (st.rejected && st.rejected.value === e) { st.rejected = null; return; }
    const origin = st.thrown && st.thrown.value === e ? st.thrown.origin : null;
    st.thrown = null;
    record("Uncaught exception", e, origin);
  });
  const custom = Symbol.for("nodejs.util.promisify.custom");
  for (const via of ["setTimeout", "setInterval", "setImmediate"]) {
    const original = g[via];
    const wrapped: any = function (this: any, fn: any, ...rest: any[]) {
      if (typeof fn !== "function") return original.call(this, fn, ...rest);
      const origin = { cell: st.origin ?? st.cell, via };
      return original.call(this, function (this: any, ...args: any[]) {
        const outer = st.origin;
        st.origin = origin.cell;
        try { return fn.apply(this, args); }
        catch (e) { st.thrown = { value: e, origin }; throw e; }
        finally { st.origin = outer; }
      }, ...rest);
    };
    if (original[custom]) wrapped[custom] = original[custom];
    g[via] = wrapped;
  }
}"""
LATE_MARK = "__rnn_late_errors__"
PROBE_CHECK = """{
  const st = (globalThis as any).__rnnRunner;
  await new Promise((r) => st.setTimeout(r, %d));
  const late = st.errors.splice(0);
  st.cell = %d;
  if (late.length) console.log("%s" + JSON.stringify(late));
}"""


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
        return data.decode("utf-8", "replace").strip() or "(nothing on the kernel's stderr)"


class HiddenCellError(Exception):
    """A runner's hidden cell failed in the kernel."""


def hidden_cell(client, source, index):
    """Runs `source` in the kernel outside the notebook; returns the executed cell.
    Raises HiddenCellError with its error text (DeadKernelError if the kernel died)."""
    cell = nbformat.v4.new_code_cell(source)
    original = client.nb.cells[index] if index < len(client.nb.cells) else None
    try:
        client.execute_cell(cell, index)
    except CellExecutionError:
        raise HiddenCellError(error_text(cell)) from None
    finally:
        # nbclient stores the executed cell at `index`: put the notebook's own cell back.
        if original is not None:
            client.nb.cells[index] = original
    return cell


def late_errors(client, index, next_cell):
    """The errors raised asynchronously since the last check, each {kind, text, cell, origin}."""
    cell = hidden_cell(client, PROBE_CHECK % (SETTLE_MS, next_cell, LATE_MARK), index)
    for out in cell.outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            for line in out.get("text", "").splitlines():
                if line.startswith(LATE_MARK):
                    return json.loads(line[len(LATE_MARK):])
    return []


def describe_late(late, last_cell):
    """(the cell to blame, the message) for errors raised after a cell returned. The cell is
    the one that set the timer when the error came from a timer callback; otherwise the one
    running (or last run) when it was raised, since nothing else is known."""
    first = late[0]
    origin = first.get("origin")
    during = first.get("cell") or last_cell
    when = "after the cell returned" if origin and origin["cell"] == during \
        else "while cell %d ran or just after it returned" % during
    if origin:
        cell = origin["cell"]
        head = "%s raised asynchronously, in a timer (%s) that cell %d set, %s" % (
            first["kind"], origin["via"], cell, when)
    else:
        cell = during
        head = ("%s raised asynchronously while cell %d ran or just after it returned. The runner traces "
                "only timers (setTimeout, setInterval, setImmediate) to the cell that set them, not promises "
                "or event handlers: the cell named is the last one run, the code that started it may be in an "
                "earlier cell" % (first["kind"], during))
    lines = ["%s:" % head, first["text"]]
    if during != last_cell:
        lines.append("(noticed after cell %d)" % last_cell)
    if len(late) > 1:
        lines.append("and %d more asynchronous error(s):" % (len(late) - 1))
        lines.extend("  %s: %s" % (e["kind"], (e["text"].splitlines() or [""])[0]) for e in late[1:5])
    return cell, "\n".join(lines)


def write_atomic(path, text):
    """Writes `text` to a temporary file beside `path`, then renames it over `path`: a reader
    sees the old file or the new one, never a half-written one."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


class NotebookProblem(Exception):
    """A notebook that cannot be run; the message names the file, the problem and the fix."""


RESTORE = "restore it (git checkout -- <file>, or save it again from Jupyter) or leave it out of the run"
NOTEBOOK_KEYS = ("cells", "metadata", "nbformat", "nbformat_minor")
CELL_TYPES = ("code", "markdown", "raw")
JSON_TYPES = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true/false",
              type(None): "null"}


def load_notebook(path):
    """Reads `path` as a version-4 notebook, or raises NotebookProblem saying what is wrong with it."""
    if os.path.isdir(path):
        raise NotebookProblem("%s is a folder, not a notebook: give the notebooks in it (%s)"
                              % (path, os.path.join(path, "*.ipynb")))
    if not os.path.exists(path):
        hint = " (did you mean %s?)" % (path + ".ipynb") if os.path.isfile(path + ".ipynb") else ""
        raise NotebookProblem("%s: no such notebook%s" % (path, hint))
    if not path.endswith(".ipynb"):
        raise NotebookProblem("%s is not a notebook (a .ipynb file): leave it out of the run" % path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise NotebookProblem("%s cannot be read (%s)" % (path, exc.strerror or exc)) from None
    if not raw.strip():
        what = "empty (0 bytes)" if not raw else "blank (%d bytes of white space)" % len(raw)
        raise NotebookProblem("%s is %s, not a notebook: %s" % (path, what, RESTORE))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookProblem("%s is not UTF-8 text (byte %d): a notebook is JSON text; %s"
                              % (path, exc.start, RESTORE)) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        where = "%s: line %d column %d" % (exc.msg, exc.lineno, exc.colno) if hasattr(exc, "lineno") else str(exc)
        raise NotebookProblem("%s is not valid JSON (%s): %s" % (path, where, RESTORE)) from None
    if not isinstance(data, dict):
        raise NotebookProblem("%s is not a Jupyter notebook: its JSON is %s, not an object with %s; %s"
                              % (path, JSON_TYPES.get(type(data), type(data).__name__),
                                 ", ".join('"%s"' % k for k in NOTEBOOK_KEYS), RESTORE))
    version = data.get("nbformat")
    keys = NOTEBOOK_KEYS if not isinstance(version, int) or version >= 4 else NOTEBOOK_KEYS[1:]
    missing = [k for k in keys if k not in data]
    if missing:
        raise NotebookProblem("%s is not a Jupyter notebook: %s missing; %s"
                              % (path, ", ".join('"%s"' % k for k in missing), RESTORE))
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise NotebookProblem("%s: \"nbformat\" is %s, not a format version such as 4; %s"
                              % (path, json.dumps(version), RESTORE))
    if version >= 4:
        cells = data["cells"]
        if not isinstance(cells, list):
            raise NotebookProblem("%s: \"cells\" is %s, not a list; %s"
                                  % (path, JSON_TYPES.get(type(cells), "an object"), RESTORE))
        for i, cell in enumerate(cells):
            where = "%s: cells[%d]" % (path, i)
            if not isinstance(cell, dict):
                raise NotebookProblem("%s is %s, not a cell object; %s"
                                      % (where, JSON_TYPES.get(type(cell), type(cell).__name__), RESTORE))
            if cell.get("cell_type") not in CELL_TYPES:
                raise NotebookProblem("%s has cell_type %s (expected code, markdown or raw); %s"
                                      % (where, json.dumps(cell.get("cell_type")), RESTORE))
            needed = ("metadata", "outputs", "execution_count") if cell["cell_type"] == "code" else ("metadata",)
            absent = [k for k in needed if k not in cell]
            if absent:
                raise NotebookProblem("%s (%s) has no %s; %s" % (where, cell["cell_type"],
                                                                 ", ".join('"%s"' % k for k in absent), RESTORE))
            source = cell.get("source")
            if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(x, str) for x in source))):
                raise NotebookProblem("%s (%s): \"source\" is %s, not text or a list of lines; %s"
                                      % (where, cell["cell_type"], json.dumps(source)[:60], RESTORE))
    captured = {}
    try:
        nb = nbformat.reads(text, as_version=4, capture_validation_error=captured)
    except Exception as exc:  # nbformat's conversion of an old or odd notebook
        raise NotebookProblem("%s cannot be read as a notebook (%s: %s); %s"
                              % (path, type(exc).__name__, str(exc).splitlines()[0], RESTORE)) from None
    if captured.get("ValidationError") is not None:
        first = str(captured["ValidationError"]).strip().splitlines()[0]
        raise NotebookProblem("%s does not follow the notebook format (nbformat 4 schema: %s); %s"
                              % (path, first, RESTORE))
    return nb


def remove_outputs(out_dir, name):
    """Removes a notebook's outputs of an earlier run, so none of them passes for this run's."""
    for ext in (".ipynb", ".html", ".metrics.json"):
        file = os.path.join(out_dir, name + ext)
        try:
            if os.path.lexists(file):
                os.remove(file)
        except OSError as exc:
            raise NotebookProblem("cannot remove the earlier run's %s (%s): remove it by hand"
                                  % (file, exc.strerror or exc)) from None


def read_metrics(file):
    """The "metrics" object of a file written by report(), or raises NotebookProblem."""
    try:
        with open(file, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as exc:
        raise NotebookProblem("%s cannot be read as JSON (%s): it should be written only by report(...)"
                              % (file, exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise NotebookProblem("%s has no \"metrics\" object: it should be written only by report(...)" % file)
    return data["metrics"]


EMPTY_SCRIPT = "data:text/javascript,"


def local_script_or_empty(url):
    """nbconvert points the HTML at scripts (require.js, jQuery) on a CDN, or, in Debian's
    package, at /usr/share/javascript files that exist only if libjs-requirejs is installed.
    The exported page must work offline and the charts need neither, so any script that is
    not a file present here is replaced by an empty one (no request, no load error)."""
    if url.startswith("file://") and os.path.exists(url[len("file://"):].split("?")[0]):
        return url
    return EMPTY_SCRIPT


def export_html(nb, path, name):
    """Writes the HTML of `nb`: formulas typeset to MathML beforehand (scripts/notebook_math.py),
    so MathJax's script tag is emptied (its x-mathjax-config block stays, inert without MathJax).
    Raises MathError for a formula KaTeX cannot typeset."""
    from nbconvert import HTMLExporter
    exporter = HTMLExporter()
    for trait in ("require_js_url", "jquery_url"):
        if exporter.has_trait(trait):
            setattr(exporter, trait, local_script_or_empty(getattr(exporter, trait)))
    if exporter.has_trait("mathjax_url"):
        exporter.mathjax_url = EMPTY_SCRIPT
    shown, mathml = notebook_math.with_placeholders(nb, name)
    body, _ = exporter.from_notebook_node(shown)
    write_atomic(path, notebook_math.fill_in(body, mathml, name))


def indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.splitlines())


def notebook_name(path):
    base = os.path.basename(os.path.normpath(path))
    return base[:-len(".ipynb")] if base.endswith(".ipynb") else base


def new_result(path, status="not run", error=None):
    return {"notebook": notebook_name(path), "path": path, "cells": 0, "seconds": 0.0, "status": status,
            "failedCell": None, "error": error}


def failed(result, error, stream=sys.stderr):
    result["status"] = "failed"
    result["error"] = error
    print("✗ %s: %s" % (result["notebook"], error), file=stream, flush=True)
    return result


def stop_kernel(client):
    """Shuts the kernel down if it still runs: nbclient cleans up after an Exception but not
    after a KeyboardInterrupt while the kernel starts, which left an orphan kernel behind
    (holding the runner's stdout open)."""
    if client.km is None:
        return
    try:
        client._cleanup_kernel()
    except Exception as exc:
        print("! could not shut the kernel down: %s" % exc, file=sys.stderr)


PROGRESS_EVERY = 5.0  # seconds between two relayed progress lines of one cell


class TalkingClient(NotebookClient):
    """nbclient's client that relays the training progress line to the runner's stdout while a
    cell runs: train() rewrites one line in place with \\r (src/train/progress.ts); the latest
    state of that line is printed at most every PROGRESS_EVERY seconds. Nothing more is asked of
    the kernel: only what it already sends is relayed."""

    relayed_at = 0.0

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if msg.get("msg_type") == "stream" and content.get("name") == "stdout":
            pieces = [p.strip() for p in re.split(r"[\r\n]", content.get("text", "")) if "época" in p]
            now = time.time()
            if pieces and now - self.relayed_at >= PROGRESS_EVERY:
                self.relayed_at = now
                print("      … %s" % pieces[-1], flush=True)
        return super().output(outs, msg, display_id, cell_index)


def run_notebook(path, out_dir, cell_timeout, kernel_name):
    result = new_result(path, status="passed")
    name = result["notebook"]
    try:
        remove_outputs(out_dir, name)
        nb = load_notebook(path)
    except NotebookProblem as exc:
        return failed(result, str(exc))
    nb_dir = os.path.dirname(os.path.abspath(path))
    os.environ["RNN_NOTEBOOK"] = name
    metrics_file = os.path.join(out_dir, name + ".metrics.json")
    client = TalkingClient(nb, kernel_name=kernel_name, timeout=cell_timeout,
                           resources={"metadata": {"path": nb_dir}})
    log = KernelLog()
    start = time.time()
    count = 0
    print("▶ %s" % path, flush=True)
    try:
        with client.setup_kernel(stderr=log.file):
            try:
                hidden_cell(client, PROBE_SETUP, 0)
            except HiddenCellError as exc:
                raise RuntimeError("the runner's setup cell failed: %s" % exc) from None
            code_cells = {}
            for index, cell in enumerate(list(nb.cells)):
                if cell.cell_type != "code":
                    continue
                count += 1
                code_cells[count] = cell
                failure = None
                culprit = count
                cell_start = time.time()
                client.relayed_at = cell_start  # the first relayed line comes after PROGRESS_EVERY s
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    failure = "timed out after %s s (set RNN_CELL_TIMEOUT to allow more)" % cell_timeout
                except CellExecutionError:
                    failure = error_text(cell)
                except DeadKernelError as exc:
                    failure = "the kernel died while the cell ran (%s); its last output:\n%s" % (exc, log.new_text())
                cell.execution_count = count
                cell.outputs = tidy_outputs(cell.outputs)
                print("  [%d] %.1f s" % (count, time.time() - cell_start), flush=True)
                if failure is None:
                    try:
                        late = late_errors(client, index, count + 1)
                    except DeadKernelError as exc:
                        late = []
                        failure = ("the kernel died after cell %d returned, while the runner waited %d ms for its "
                                   "timers and promises (%s); its last output:\n%s"
                                   % (count, SETTLE_MS, exc, log.new_text()))
                    except HiddenCellError as exc:
                        late = []
                        failure = "the runner could not ask the kernel for late errors after the cell: %s" % exc
                    if late:
                        culprit, failure = describe_late(late, count)
                        blamed = code_cells.get(culprit, cell)
                        blamed.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=failure + "\n"))
                if failure is not None:
                    result["status"] = "failed"
                    result["failedCell"] = culprit
                    result["error"] = failure
                    source = code_cells.get(culprit, cell).source
                    src = source if len(source) < 2000 else source[:2000] + "\n…"
                    print("✗ %s: cell %d failed\n  cell source:\n%s\n  error:\n%s" %
                          (name, culprit, indent(src), indent(failure)), file=sys.stderr, flush=True)
                    break
    except Exception as exc:  # kernel could not start, etc.
        result["status"] = "failed"
        result["error"] = "%s: %s\n%s" % (type(exc).__name__, exc, log.new_text())
        print("✗ %s: %s" % (name, result["error"]), file=sys.stderr, flush=True)
    except BaseException:  # Ctrl-C: main() records it; the kernel must not outlive the runner
        stop_kernel(client)
        raise
    result["cells"] = count
    result["seconds"] = round(time.time() - start, 1)
    executed = os.path.join(out_dir, name + ".ipynb")
    try:
        write_atomic(executed, nbformat.writes(nb))
    except (OSError, ValueError) as exc:
        print("! %s: cannot write %s: %s" % (name, executed, exc), file=sys.stderr)
        if result["status"] == "passed":
            failed(result, "cannot write the executed notebook %s: %s" % (executed, exc))
    try:
        export_html(nb, os.path.join(out_dir, name + ".html"), name)
    except Exception as exc:
        print("! %s: HTML export failed: %s" % (name, exc), file=sys.stderr)
        if result["status"] == "passed":
            result["status"] = "failed"
            result["error"] = "HTML export failed: %s" % exc
    if result["status"] == "passed" and not os.path.exists(metrics_file):
        failed(result, "the notebook did not call report(...) (no %s)" % metrics_file)
    if os.path.exists(metrics_file):
        try:
            result["metrics"] = read_metrics(metrics_file)
        except NotebookProblem as exc:
            if result["status"] == "passed":
                failed(result, str(exc))
    return result


def flat_metrics(metrics, prefix=()):
    """(keys, value) for every leaf of the reported metrics, nested groups flattened."""
    for k, v in (metrics or {}).items():
        if isinstance(v, dict):
            yield from flat_metrics(v, prefix + (k,))
        else:
            yield prefix + (k,), v


DIAGNOSTIC = re.compile(r"^(dif|segundos|seconds)", re.IGNORECASE)


def key_metrics(metrics, results=4, settings=3):
    """The closing table's line for a notebook: its headline results first (non-whole numbers it
    reported, nested keys joined with " · ", e.g. "Esquema 1 · RMSE test 2.458"), then the settings
    it reported (whole numbers at the top level, e.g. "epochs=200"). Checks of the notebook itself
    (keys starting with "dif", timings) are left out."""
    found, settled = [], []
    for keys, v in flat_metrics(metrics):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or DIAGNOSTIC.match(keys[-1]):
            continue
        if float(v).is_integer():
            if len(keys) == 1:
                settled.append("%s=%d" % (keys[0], v))
        else:
            found.append("%s %.4g" % (" · ".join(keys), v))
    return ", ".join(found[:results] + settled[:settings])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--timeout", type=int, default=None, help="seconds a cell may run (RNN_CELL_TIMEOUT)")
    parser.add_argument("--kernel", default="tslab")
    args = parser.parse_args()
    if args.timeout is None:
        args.timeout = env_whole_number("RNN_CELL_TIMEOUT", 3600, 1, "seconds")
    elif args.timeout < 1:
        parser.error("--timeout %d: a cell needs at least 1 second" % args.timeout)
    quick = quick_mode()
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as exc:
        bad_usage("The output folder %s cannot be created (%s): set RNN_OUT_DIR to a folder you can write."
                 % (args.out, exc.strerror or exc))
    results = [new_result(path) for path in args.notebooks]
    summary_file = os.path.join(args.out, "summary.json")

    def write_summary():
        summary = {"generatedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                   "quick": quick,
                   "notebooks": results}
        write_atomic(summary_file, json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n")

    write_summary()
    first_with_name = {}
    interrupted = False
    try:
        for i, path in enumerate(args.notebooks):
            name = results[i]["notebook"]
            if name in first_with_name:
                earlier = first_with_name[name]
                why = ("given twice" if os.path.abspath(earlier) == os.path.abspath(path)
                       else "has the same name as %s, given earlier" % earlier)
                failed(results[i], "%s %s: both would write %s.ipynb, .html and .metrics.json in %s; "
                                   "give each notebook once (run same-named ones with different RNN_OUT_DIR)"
                       % (path, why, name, args.out))
            else:
                if os.path.isfile(path):  # a typo'd path does not claim the name of a real notebook
                    first_with_name[name] = path
                results[i] = run_notebook(path, args.out, args.timeout, args.kernel)
            write_summary()
    except KeyboardInterrupt:
        interrupted = True
        running = next((r for r in results if r["status"] == "not run"), None)
        if running is not None:
            failed(running, "interrupted (Ctrl-C) while it ran; the notebooks after it were not run")
    finally:
        write_summary()
    w = max([len("notebook")] + [len(r["notebook"]) for r in results])
    print("\n%s  %5s  %8s  %-7s  %s" % ("notebook".ljust(w), "cells", "seconds", "status", "headline results, then settings"))
    for r in results:
        print("%s  %5d  %8.1f  %-7s  %s" % (r["notebook"].ljust(w), r["cells"], r["seconds"], r["status"],
                                            key_metrics(r.get("metrics"))))
    passed = sum(1 for r in results if r["status"] == "passed")
    not_run = sum(1 for r in results if r["status"] == "not run")
    failures = len(results) - passed - not_run
    print("%d passed, %d failed%s" % (passed, failures, ", %d not run" % not_run if not_run else ""))
    if interrupted:
        return 130
    return 0 if failures == 0 and not_run == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
