"""`npm run grade -- <folder>`: autograde submissions of notebooks 01–06 with nbgrader.

<folder> holds the submissions in one of two layouts:

    nbgrader's:  <folder>/[submitted/]<student>/<assignment>/<assignment>.ipynb
    flat:        <folder>/<student>/<assignment>.ipynb     (imported: the notebook names the assignment)

Each submission is graded in a scratch course of its own (a copy of the released assignment's
gradebook, outside the project and outside <folder>), in a fresh tslab kernel, with the per-cell
timeout and the total limit of nbgrader_config.py (TslabExecute): an endless loop, process.exit()
or an exception costs that submission the points of the cells it touched, and grading goes on with
the next. A submission's results are read from its scratch course as soon as it is graded, and the
scratch course is deleted before the next submission starts, so a submission finds nothing of the
others to overwrite; everything is written at the end, all at once, into --out:

    grades.csv               student, assignment, score, max_score, status, failed checks
    checks.csv               one line per student, assignment and autograded test cell
    feedback/<student>/<assignment>.html   nbgrader's feedback for the student

The exit status is 0 when every submission was graded (whatever its score), 1 when grading itself
failed for some submission (nbgrader could not process it: see grades.csv's status), 2 when the
folder or the options are wrong.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from classroom import ROOT, SOURCE, assignment_ids, nbgrader

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class Usage(Exception):
    """The folder or the options are wrong: exit 2 with this message."""


def find_submissions(folder):
    """[(student, assignment, path or None, problem or None)] of the submissions in folder."""
    if not os.path.isdir(folder):
        raise Usage("%s is not a folder: give the folder that holds one sub-folder per student" % folder)
    base = os.path.join(folder, "submitted") if os.path.isdir(os.path.join(folder, "submitted")) else folder
    known = assignment_ids()
    found = []
    for student in sorted(os.listdir(base)):
        sdir = os.path.join(base, student)
        if not os.path.isdir(sdir) or student.startswith("."):
            continue
        if not STUDENT_ID.match(student):
            found.append((student, "", None, "nombre de estudiante no válido (letras, cifras, . _ -)"))
            continue
        for entry in sorted(os.listdir(sdir)):
            full = os.path.join(sdir, entry)
            if entry.startswith("."):
                continue
            if os.path.isdir(full) and entry in known:  # nbgrader's layout
                nb = os.path.join(full, entry + ".ipynb")
                if os.path.isfile(nb):
                    found.append((student, entry, nb, None))
                else:
                    others = [f for f in os.listdir(full) if f.endswith(".ipynb")]
                    found.append((student, entry, None, "falta %s.ipynb (hay: %s)" % (entry, ", ".join(others) or "nada")))
            elif os.path.isfile(full) and entry.endswith(".ipynb"):  # flat layout
                aid = entry[: -len(".ipynb")]
                if aid in known:
                    found.append((student, aid, full, None))
                else:
                    found.append((student, aid, None, "%s no es un cuaderno del curso (%s)" % (entry, ", ".join(known))))
    if not found:
        raise Usage(
            "no submissions in %s: expected <student>/<assignment>.ipynb or <student>/<assignment>/<assignment>.ipynb "
            "(assignments: %s)" % (base, ", ".join(known))
        )
    return found


def write_forwarder(work):
    """node_modules/rnn-notebooks in the scratch folder, so that the notebooks' import resolves there."""
    pkg = os.path.join(work, "node_modules", "rnn-notebooks")
    os.makedirs(pkg)
    dist = os.path.join(ROOT, "dist", "index")
    with open(os.path.join(pkg, "package.json"), "w") as f:
        json.dump({"name": "rnn-notebooks", "private": True, "main": "index.js", "types": "index.d.ts"}, f)
    with open(os.path.join(pkg, "index.js"), "w") as f:
        f.write("module.exports = require(%s);\n" % json.dumps(dist + ".js"))
    with open(os.path.join(pkg, "index.d.ts"), "w") as f:
        f.write("export * from %s;\n" % json.dumps(dist))


def prepare_template(work, ids, env):
    """The source of the assignments and their gradebook (generate_assignment), as bytes by path."""
    template = os.path.join(work, "template")
    for aid in ids:
        os.makedirs(os.path.join(template, "source", aid))
        shutil.copyfile(os.path.join(SOURCE, aid, aid + ".ipynb"), os.path.join(template, "source", aid, aid + ".ipynb"))
        r = nbgrader(["generate_assignment", aid, "--force"], course_root=template, env=env)
        if r.returncode != 0:
            raise RuntimeError("nbgrader generate_assignment %s failed:\n%s" % (aid, r.stdout))
    # Kept in memory: each submission gets a fresh copy, whatever an earlier one wrote on disk.
    files = {"gradebook.db": open(os.path.join(template, "gradebook.db"), "rb").read()}
    for aid in ids:
        name = os.path.join("source", aid, aid + ".ipynb")
        files[name] = open(os.path.join(template, name), "rb").read()
    shutil.rmtree(template)
    return files


def read_notebook(path):
    """The submission as JSON, or the reason it cannot be graded."""
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, "no se puede leer como cuaderno (%s)" % exc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "no es un cuaderno de Jupyter (falta la lista de celdas)"
    return nb, None


def kernel_status(autograded):
    """What stopped a submission's kernel, read from the error outputs TslabExecute leaves."""
    try:
        with open(autograded, encoding="utf-8") as f:
            cells = json.load(f)["cells"]
    except (OSError, ValueError, KeyError):
        return ""
    for i, cell in enumerate(cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                if out.get("ename") == "CellTimeoutError":
                    return "celda %d cortada por tiempo" % (i + 1)
                if out.get("ename") == "DeadKernelError":
                    return "el núcleo terminó en la celda %d" % (i + 1)
                if out.get("ename") == "TotalTimeoutError":
                    return "límite total superado en la celda %d" % (i + 1)
    return ""


def scores(course, aid, student):
    """(score, max_score, [(grade_id, score, max_score)]) from a scratch course's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db")) as gb:
        nb = gb.find_submission_notebook(aid, aid, student)
        checks = sorted(
            ((g.name, float(g.score), float(g.max_score)) for g in nb.grades if g.cell.cell_type == "code"),
            key=lambda c: c[0],
        )
        return float(nb.score), float(nb.max_score), checks


def grade_one(work, template, student, aid, nb, env, limit, log):
    """Grades one submission in its own scratch course; returns its result row."""
    course = os.path.join(work, "submissions", "%s--%s" % (student, aid))
    os.makedirs(course)
    for name in ("gradebook.db", os.path.join("source", aid, aid + ".ipynb")):
        os.makedirs(os.path.dirname(os.path.join(course, name)), exist_ok=True)
        with open(os.path.join(course, name), "wb") as f:
            f.write(template[name])
    sub = os.path.join(course, "submitted", student, aid)
    os.makedirs(sub)
    with open(os.path.join(sub, aid + ".ipynb"), "w", encoding="utf-8") as f:
        json.dump(nb, f)
    run_env = dict(env)
    run_env["RNN_OUT_DIR"] = os.path.join(course, "out")
    row = {"student": student, "assignment": aid, "score": "", "max_score": "", "status": "", "failed": []}
    started = time.monotonic()
    try:
        for step in (["autograde", aid, "--student", student, "--force"],
                     ["generate_feedback", aid, "--student", student, "--force"]):
            log.write("\n$ nbgrader %s   (course %s)\n" % (" ".join(step), course))
            log.flush()
            r = nbgrader(step, course_root=course, env=run_env, timeout=limit, log=log)
            if r.returncode != 0:
                raise RuntimeError("nbgrader %s falló (ver grading.log)" % step[0])
        score, max_score, checks = scores(course, aid, student)
    except subprocess.TimeoutExpired:
        row["status"] = "no calificado: superó %d s en total" % limit
        return row, None, []
    except Exception as exc:  # grading itself failed for this submission
        row["status"] = "no calificado: %s" % exc
        return row, None, []
    autograded = os.path.join(course, "autograded", student, aid, aid + ".ipynb")
    row.update(score=score, max_score=max_score, failed=[c[0] for c in checks if c[1] < c[2]])
    row["status"] = kernel_status(autograded) or "calificado"
    row["seconds"] = time.monotonic() - started
    feedback = os.path.join(course, "feedback", student, aid, aid + ".html")
    content = None
    if os.path.isfile(feedback):
        with open(feedback, "rb") as f:
            content = f.read()
    return row, content, checks


def fmt(x):
    return ("%g" % x) if isinstance(x, float) else str(x)


def write_results(out, rows, checks, feedback):
    """Writes everything into a new folder, then puts it in place of --out in one rename."""
    parent = os.path.dirname(os.path.abspath(out)) or "."
    os.makedirs(parent, exist_ok=True)
    stage = tempfile.mkdtemp(prefix=".grades-", dir=parent)
    with open(os.path.join(stage, "grades.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "score", "max_score", "status", "failed_checks", "feedback"])
        for r in rows:
            fb = feedback.get((r["student"], r["assignment"]))
            w.writerow([r["student"], r["assignment"], fmt(r["score"]), fmt(r["max_score"]), r["status"],
                        " ".join(r["failed"]), fb and "feedback/%s/%s.html" % (r["student"], r["assignment"])])
    with open(os.path.join(stage, "checks.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "check", "score", "max_score"])
        for (student, aid), cells in sorted(checks.items()):
            for name, score, max_score in cells:
                w.writerow([student, aid, name, fmt(score), fmt(max_score)])
    for (student, aid), content in feedback.items():
        dest = os.path.join(stage, "feedback", student, aid + ".html")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(content)
    if os.path.exists(out):
        old = tempfile.mkdtemp(prefix=".grades-old-", dir=parent)
        os.rmdir(old)
        os.rename(out, old)
        os.rename(stage, out)
        shutil.rmtree(old)
    else:
        os.rename(stage, out)


def cmd_grade(argv):
    parser = argparse.ArgumentParser(prog="npm run grade --", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", help="the submissions (see the layouts above)")
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "grading"),
                        help="where grades.csv, checks.csv and feedback/ go (default out/grading; replaced)")
    parser.add_argument("--quick", action="store_true", help="run the submissions in quick mode (RNN_QUICK=1)")
    parser.add_argument("--cell-timeout", type=int, help="seconds a cell may run (default 1200)")
    parser.add_argument("--total-timeout", type=int, help="seconds a notebook may run in all (default 3600)")
    parser.add_argument("--keep-work", action="store_true", help="keep the scratch courses (their path is printed)")
    try:
        opts = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code
    env = dict(os.environ)
    if opts.quick:
        env["RNN_QUICK"] = "1"
    for name, value in (("RNN_GRADE_CELL_TIMEOUT", opts.cell_timeout), ("RNN_GRADE_TOTAL_TIMEOUT", opts.total_timeout)):
        if value is not None:
            if value <= 0:
                print("--%s must be a positive number of seconds, not %d" % (name[10:].lower().replace("_", "-"), value))
                return 2
            env[name] = str(value)
    total = int(env.get("RNN_GRADE_TOTAL_TIMEOUT", "3600"))
    try:
        subs = find_submissions(opts.folder)
    except Usage as exc:
        print("npm run grade: %s" % exc)
        return 2
    work = tempfile.mkdtemp(prefix="rnn-grade-")
    log_path = os.path.join(work, "grading.log")
    rows, checks, feedback, failed = [], {}, {}, False
    try:
        write_forwarder(work)
        ids = sorted({aid for _, aid, path, _ in subs if path})
        template = prepare_template(work, ids, env) if ids else None
        print("grading %d submission(s) of %d student(s)%s; scratch courses in %s"
              % (len(subs), len({s for s, *_ in subs}), " in quick mode" if opts.quick else "", work))
        with open(log_path, "w", encoding="utf-8") as log:
            for student, aid, path, problem in subs:
                nb, problem = (None, problem) if problem else read_notebook(path)
                if problem:
                    row = {"student": student, "assignment": aid, "score": 0.0, "max_score": "",
                           "status": "no entregado: %s" % problem, "failed": []}
                else:
                    row, fb, cells = grade_one(work, template, student, aid, nb, env, total + 300, log)
                    if not opts.keep_work:
                        # Collected: nothing of this submission stays where a later one could reach it.
                        shutil.rmtree(os.path.join(work, "submissions"), ignore_errors=True)
                    if fb:
                        feedback[(student, aid)] = fb
                    checks[(student, aid)] = cells
                    failed = failed or row["status"].startswith("no calificado")
                rows.append(row)
                print("  %-16s %-24s %6s / %-6s %s" % (student, aid, fmt(row["score"]), fmt(row["max_score"]),
                                                      row["status"]))
        write_results(opts.out, rows, checks, feedback)
        shutil.copyfile(log_path, os.path.join(opts.out, "grading.log"))
    except RuntimeError as exc:
        print("npm run grade: %s" % exc)
        return 1
    finally:
        if not opts.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    shown = os.path.relpath(opts.out, os.getcwd())
    print("grades in %s (grades.csv, checks.csv, feedback/)" % (opts.out if shown.startswith("..") else shown))
    return 1 if failed else 0
