"""nbgrader's Execute preprocessor made safe for untrusted TypeScript submissions (tslab kernel).

nbgrader (0.9) gives a test cell no points when one of its outputs is an ``error`` or a
``stderr`` stream: tslab writes a thrown error and a type error to stderr, so failed checks
already cost their points. What nbgrader does not survive is a submission that stops the kernel:
an endless loop (tslab cannot be interrupted while JavaScript runs, so nbgrader's interrupt
leaves it busy and the whole submission is dropped as "unresponsive") or ``process.exit()``
(``DeadKernelError``: the submission is dropped, with no grades and no feedback). Here both end
only what they touch:

- a cell that runs longer than ``Execute.timeout`` seconds is cut off: the kernel is killed and
  the cell gets an error output ``CellTimeoutError`` saying so;
- a cell during which the kernel died gets an error output ``DeadKernelError``;
- once the whole notebook has run ``total_timeout`` seconds, no further cell starts;
- tslab cancels any request that arrives within 200 ms of a failed cell, and a cancelled cell has
  no output, which nbgrader would count as a pass: the next cell waits for that window, and a
  cancelled cell gets an error output all the same;
- after any of these, every later code cell gets an error output saying why it was not run
  (so its test points are lost, and the student reads why in the feedback), and grading goes
  on with the next notebook and the next submission, each in a fresh kernel.
"""
import re
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from traitlets import Integer

from nbgrader.preprocessors import Execute


# Seconds tslab keeps cancelling requests after a failed cell (200 ms in tslab 1.0), with a margin.
TSLAB_ABORT_WINDOW = 0.5


def error_output(ename, evalue):
    return NotebookNode(
        output_type="error",
        ename=ename,
        evalue=evalue,
        traceback=["\x1b[0;31m%s\x1b[0m: %s" % (ename, evalue)],
    )


class TslabExecute(Execute):
    total_timeout = Integer(
        3600,
        help="Seconds one notebook may run in all; cells after that limit are not run.",
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self._started = time.monotonic()
        self._stopped = None
        # tslab cannot be interrupted in a busy loop: do not wait for an interrupt, kill instead.
        self.interrupt_on_timeout = False
        self.shutdown_kernel = "immediate"
        return super().preprocess(nb, resources, km)

    def on_cell_executed(self, **kwargs):
        # tslab answers a failed cell with status "error" but no ename/evalue/traceback (the text
        # went to stderr), which nbgrader's Execute expects: name it from the cell's stderr.
        content = kwargs["execute_reply"]["content"]
        self._last_status = content.get("status")
        if content.get("status") == "abort":
            # Never a silent pass: an aborted cell has no output, which nbgrader would count as full marks.
            kwargs["cell"].outputs.append(error_output("AbortedError", "tslab canceló la celda sin ejecutarla"))
        if content.get("status") == "error" and "ename" not in content:
            stderr = "".join(
                o.get("text", "") for o in kwargs["cell"].outputs
                if o.get("output_type") == "stream" and o.get("name") == "stderr"
            ).strip()
            lines = [l.strip() for l in stderr.splitlines() if l.strip()]
            # the line that says what went wrong: "CheckFailed: ✗ …", "AssertionError …",
            # a TypeScript diagnostic "1:7 - Type 'string' is not assignable…", else the last line
            said = [l for l in lines if re.match(r"^((?:[A-Z]\w*)?(?:Error|Failed)\b|\d+:\d+ - )", l)]
            what = said[0] if said else (lines[-1] if lines else "la celda terminó con un error")
            name = re.match(r"^((?:[A-Z]\w*)?(?:Error|Failed))\b", what)
            content["ename"] = name.group(1) if name else ("TSError" if re.match(r"^\d+:\d+ - ", what) else "Error")
            content["evalue"] = what
            # the stderr text is already in the cell's outputs: the error output names it once
            content["traceback"] = ["\x1b[0;31m%s\x1b[0m" % what]
        return super().on_cell_executed(**kwargs)

    def _kill_kernel(self):
        try:
            if self.km is not None:
                from jupyter_core.utils import run_sync

                run_sync(self.km.shutdown_kernel)(now=True)
        except Exception as exc:  # the kernel may be gone already
            self.log.warning("could not stop the kernel: %s", exc)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped is None and time.monotonic() - self._started > self.total_timeout:
            self._stopped = (
                "TotalTimeoutError",
                "el cuaderno superó el límite total de %d s; esta celda no se ejecutó" % self.total_timeout,
            )
            self._kill_kernel()
        if self._stopped is not None:
            ename, evalue = self._stopped
            cell.outputs = [error_output(ename, evalue)]
            cell.execution_count = None
            return cell, resources
        try:
            self._last_status = None
            result = super().preprocess_cell(cell, resources, index)
            if self._last_status == "error":
                # tslab cancels every request that arrives within 200 ms of a failed cell
                # (execQueue.reset(200), yunabe/tslab#19): let that window pass before the next cell.
                time.sleep(TSLAB_ABORT_WINDOW)
            return result
        except CellTimeoutError:
            self.log.error("cell %d ran over %s s: cut off", index, self.timeout)
            cell.outputs.append(
                error_output("CellTimeoutError", "la celda superó %s s y se cortó (¿un bucle sin fin?)" % self.timeout)
            )
            self._stopped = ("NotRunError", "no se ejecutó: una celda anterior superó el tiempo límite y se cortó")
            self._kill_kernel()
        except DeadKernelError:
            self.log.error("the kernel died in cell %d", index)
            cell.outputs.append(
                error_output("DeadKernelError", "el núcleo terminó durante esta celda (¿process.exit()?)")
            )
            self._stopped = ("NotRunError", "no se ejecutó: el núcleo terminó en una celda anterior")
        return cell, resources
