"""The classroom workflow on nbgrader: student versions and autograding of notebooks 01–06.

    classroom.py assignments            course/release/<id>/<id>.ipynb for every assignment
    classroom.py grade <folder> [...]   autograde the submissions in <folder> (see --help)

Run through `npm run assignments` / `npm run grade -- …` (scripts/classroom.js), which supply the
project's Python environment and Jupyter folders (the tslab kernelspec). The nbgrader settings are
those of nbgrader_config.py at the project root.
"""
import argparse
import csv
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# RNN_COURSE_ROOT: another course folder (as in nbgrader_config.py; the tests use a small fixture course).
COURSE = os.path.abspath(os.environ.get("RNN_COURSE_ROOT") or os.path.join(ROOT, "course"))
SOURCE = os.path.join(COURSE, "source")
FORBIDDEN = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def assignment_ids():
    return sorted(
        d for d in os.listdir(SOURCE) if os.path.isfile(os.path.join(SOURCE, d, d + ".ipynb"))
    )


def nbgrader(args, course_root=None, env=None, timeout=None, log=None):
    """Runs `python -m nbgrader …` from the project root (so nbgrader_config.py is read)."""
    run_env = dict(env or os.environ)
    if course_root:
        run_env["RNN_COURSE_ROOT"] = course_root
    return subprocess.run(
        [sys.executable, "-m", "nbgrader"] + args,
        cwd=ROOT,
        env=run_env,
        stdout=log or subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )


def cells_of(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["cells"]


def describe(cells):
    """(solution cells, test cells, points, hidden-test cells) of a source or release notebook."""
    meta = [c.get("metadata", {}).get("nbgrader", {}) for c in cells]
    solutions = sum(1 for m in meta if m.get("solution"))
    tests = [(m, c) for m, c in zip(meta, cells) if m.get("grade") and not m.get("solution")]
    points = sum(float(m.get("points", 0)) for m, _ in tests)
    hidden = sum(1 for _, c in tests if "BEGIN HIDDEN TESTS" in "".join(c["source"]))
    return solutions, len(tests), points, hidden


def leftovers(cells):
    """What of the instructor's version is still in a release notebook (must be nothing)."""
    found = []
    for i, c in enumerate(cells):
        text = "".join(c["source"])
        for word in FORBIDDEN:
            if word in text:
                found.append("cell %d contains %r" % (i + 1, word))
        if c.get("outputs"):
            found.append("cell %d has outputs" % (i + 1))
    return found


def cmd_assignments(argv):
    parser = argparse.ArgumentParser(prog="npm run assignments", description=__doc__)
    parser.add_argument("ids", nargs="*", help="assignment ids (default: all in course/source)")
    opts = parser.parse_args(argv)
    ids = opts.ids or assignment_ids()
    unknown = [i for i in ids if i not in assignment_ids()]
    if unknown:
        print("unknown assignment(s) %s: the assignments are %s" % (", ".join(unknown), ", ".join(assignment_ids())))
        return 2
    print("%-24s %9s %6s %7s %7s" % ("assignment", "solutions", "tests", "hidden", "points"))
    failed = False
    for aid in ids:
        r = nbgrader(["generate_assignment", aid, "--force"])
        released = os.path.join(COURSE, "release", aid, aid + ".ipynb")
        if r.returncode != 0 or not os.path.isfile(released):
            print("✗ %s: nbgrader generate_assignment failed:\n%s" % (aid, r.stdout))
            failed = True
            continue
        bad = leftovers(cells_of(released))
        if bad:
            print("✗ %s: the student version still has %s" % (aid, "; ".join(bad)))
            shutil.rmtree(os.path.dirname(released))
            failed = True
            continue
        sol, tests, points, hidden = describe(cells_of(os.path.join(SOURCE, aid, aid + ".ipynb")))
        print("%-24s %9d %6d %7d %7g" % (aid, sol, tests, hidden, points))
    print("student versions in %s" % os.path.relpath(os.path.join(COURSE, "release"), os.getcwd()))
    return 1 if failed else 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("assignments", "grade"):
        print("usage: classroom.py assignments|grade …")
        return 2
    if sys.argv[1] == "assignments":
        return cmd_assignments(sys.argv[2:])
    from grade import cmd_grade

    return cmd_grade(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
