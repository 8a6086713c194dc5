"""Formulas of markdown cells typeset at export time, so the exported HTML shows them offline.

nbconvert leaves ``$…$`` and ``$$…$$`` as TeX text for MathJax, which it loads from a CDN: with
the network off (or a blocked CDN) the reader sees raw TeX. Here every formula of the markdown
cells is replaced, in a copy of the notebook, by a placeholder word that markdown leaves alone;
after nbconvert has written the HTML each placeholder becomes the formula's MathML, typeset by
KaTeX (scripts/render-math.js, in Node). Browsers draw MathML natively: no script, font or
style sheet is fetched.

What counts as a formula (the rules of pandoc and JupyterLab): ``$$…$$`` (may span lines), and
``$…$`` whose opening ``$`` is not followed by a space and whose closing ``$`` is neither preceded
by a space nor followed by a digit (so "cuesta $5 o $10" stays text). Not formulas: ``\\$``
(an escaped dollar), anything in a code span (`` `…` ``) or a fenced code block (``` or ~~~).
A formula KaTeX cannot parse fails the export with the notebook's cell and the formula.
"""
import copy
import json
import os
import re
import shutil
import subprocess

RENDER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "render-math.js")
TOKEN = "RNNMATH%06dZ"
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


class MathError(Exception):
    """A formula that cannot be typeset; the message names the cell and the formula."""


def find_math(text):
    """[(start, end, tex, display)] for the formulas of a markdown text (see the module's rules)."""
    found = []
    fence = None  # the fence that opened the code block we are in
    pos = 0
    lines = text.splitlines(keepends=True)
    # Offsets of the text outside fenced code blocks, as (start, end) spans.
    spans = []
    for line in lines:
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
        elif fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)):]:
                fence = None
        else:
            if spans and spans[-1][1] == pos:
                spans[-1] = (spans[-1][0], pos + len(line))
            else:
                spans.append((pos, pos + len(line)))
        pos += len(line)
    for start, end in spans:
        found.extend(_scan(text, start, end))
    return found


def _scan(text, i, end):
    found = []
    while i < end:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == "`":
            run = len(text[i:end]) - len(text[i:end].lstrip("`"))
            close = text.find("`" * run, i + run, end)
            while close != -1 and close + run < end and text[close + run] == "`":
                close = text.find("`" * run, close + run + 1, end)
            i = i + run if close == -1 else close + run
        elif c == "$" and text.startswith("$$", i):
            close = text.find("$$", i + 2, end)
            if close == -1 or not text[i + 2:close].strip():
                i += 2
                continue
            found.append((i, close + 2, text[i + 2:close].strip(), True))
            i = close + 2
        elif c == "$":
            j = i + 1
            close = None
            if j < end and not text[j].isspace():
                while j < end:
                    if text[j] == "\\":
                        j += 2
                        continue
                    if text[j] == "\n" and j + 1 < end and text[j + 1] == "\n":
                        break  # a formula does not cross a blank line
                    if text[j] == "$":
                        if not text[j - 1].isspace() and not (j + 1 < end and text[j + 1].isdigit()):
                            close = j
                        break
                    j += 1
            if close is None:
                i += 1
                continue
            found.append((i, close + 1, text[i + 1:close], False))
            i = close + 1
        else:
            i += 1
    return found


def node_command():
    node = os.environ.get("RNN_NODE") or shutil.which("node")
    if not node:
        raise MathError("Node.js is needed to typeset the formulas (KaTeX) but no `node` is on PATH: "
                        "run through `npm run notebooks`, or set RNN_NODE to a node executable")
    return node


def typeset(formulas):
    """MathML for each (tex, display), via KaTeX; a KaTeX error comes back as {"error": …}."""
    if not formulas:
        return []
    proc = subprocess.run([node_command(), RENDER_SCRIPT], input=json.dumps(
        [{"tex": tex, "display": display} for tex, display in formulas]), capture_output=True, text=True)
    if proc.returncode != 0:
        raise MathError("KaTeX (scripts/render-math.js) failed: %s" % (proc.stderr.strip() or proc.returncode))
    return json.loads(proc.stdout)


def with_placeholders(nb, notebook_name):
    """(a copy of `nb` whose markdown formulas are placeholders, {placeholder: MathML}).
    Raises MathError naming the notebook, the cell and the formula KaTeX cannot typeset."""
    copied = copy.deepcopy(nb)
    wanted = []  # (cell index, tex, display)
    for index, cell in enumerate(copied.cells):
        if cell.cell_type != "markdown":
            continue
        source = cell.source
        pieces = []
        last = 0
        for start, end, tex, display in find_math(source):
            token = TOKEN % len(wanted)
            wanted.append((index, tex, display))
            pieces.append(source[last:start])
            # A display formula stands in a paragraph of its own.
            pieces.append("\n\n%s\n\n" % token if display else token)
            last = end
        pieces.append(source[last:])
        cell.source = "".join(pieces)
    rendered = typeset([(tex, display) for _, tex, display in wanted])
    mathml = {}
    for n, ((index, tex, display), out) in enumerate(zip(wanted, rendered)):
        if "error" in out:
            raise MathError("%s: cell %d (markdown): the formula %s cannot be typeset: %s"
                            % (notebook_name, index + 1, ("$$%s$$" if display else "$%s$") % tex, out["error"]))
        mathml[TOKEN % n] = out["html"]
    return copied, mathml


def fill_in(html, mathml, notebook_name):
    """`html` with every placeholder replaced by its MathML; raises MathError when markdown moved
    a placeholder somewhere it cannot stand (it would then show as a word)."""
    for token, markup in mathml.items():
        count = html.count(token)
        if count != 1:
            raise MathError("%s: formula placeholder %s found %d times in the exported HTML (expected once)"
                            % (notebook_name, token, count))
        if ("<p>%s</p>" % token) in html and 'display="block"' in markup:
            html = html.replace("<p>%s</p>" % token, '<div class="rnn-math-display">%s</div>' % markup)
        else:
            html = html.replace(token, markup)
    return html
