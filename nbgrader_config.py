# nbgrader configuration of the course (release, autograde, feedback): read by `nbgrader …`
# run from the project root, by JupyterLab's Nbgrader menu and formgrader (`npm run lab`), and by
# `npm run assignments` / `npm run grade`. The course folder is course/ (RNN_COURSE_ROOT moves it:
# the grader gives each submission a scratch course of its own).
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "scripts", "classroom"))

from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)
from tslab_execute import TslabExecute  # noqa: E402

c = get_config()  # noqa: F821 (defined by traitlets when it loads this file)

c.CourseDirectory.course_id = "rnn-notebooks"
c.CourseDirectory.root = os.environ.get("RNN_COURSE_ROOT") or os.path.join(here, "course")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(c.CourseDirectory.root, "gradebook.db")

# The student's stub, in Spanish, for the kernel's language (tslab: "typescript").
c.ClearSolutions.code_stub = {"typescript": '// TU CÓDIGO AQUÍ\nthrow new Error("Sin implementar");'}
c.ClearSolutions.text_stub = "ESCRIBE AQUÍ TU RESPUESTA"
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"
c.ClearOutput.enabled = True

# Student code is untrusted: a cell longer than the timeout is cut off, the notebook has a total
# limit, and a killed or dead kernel costs only the cells it touched (tslab_execute.py).
c.Autograde.autograde_preprocessors = [
    TslabExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.Execute.timeout = int(os.environ.get("RNN_GRADE_CELL_TIMEOUT", "1200"))
c.TslabExecute.total_timeout = int(os.environ.get("RNN_GRADE_TOTAL_TIMEOUT", "3600"))
c.Execute.iopub_timeout = 10
c.Execute.raise_on_iopub_timeout = False

# The feedback shows every test cell's score and output, but not the code of the hidden tests
# (nbgrader would print it: the assignment can then be used again next year).
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# The course hands its files out and collects them by hand (README, "Classroom"), not through
# nbgrader's JupyterHub exchange; a folder of the course's own keeps the exchange (which formgrader
# and the Nbgrader menu look for) out of /usr/local/share, where it is not writable.
c.Exchange.root = os.path.join(c.CourseDirectory.root, "exchange")
os.makedirs(c.Exchange.root, exist_ok=True)
