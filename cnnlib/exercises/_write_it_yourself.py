"""Switch cnnlib functions off while a student's answer runs, so that an exercise that asks for a function
to be written (with loops, from memory) cannot be passed by calling cnnlib's own version of it.

    with switched_off([correlate2d, convolve2d]):
        answer(image, kernel)          # a call of correlate2d in it raises WriteItYourself

For the length of the block, every module namespace that holds one of the functions gets a stand-in that
raises ``WriteItYourself``: the module that defines it, every cnnlib module that imports it, the notebook's
own namespace (``__main__``) and any module the student imported it into, under whatever name (and the answer's
closure, if it captured the function). A function's ``private_twins`` (cnnlib's private functions that do its
work, such as the one the ``Conv2D`` layer calls for ``conv2d_backward``) are switched off with it, under its
name. The block puts
every original back when it ends, however it ends. Outside the block, nothing has changed.
"""

import functools
import sys


class WriteItYourself(RuntimeError):
    """Raised by a switched-off cnnlib function: the exercise asks the student to write it."""

    def __init__(self, name):
        super().__init__(f"{name} is switched off while this check runs your answer: the exercise asks you "
                         "to write it yourself")
        self.name = name


def _stand_in(function, name):
    @functools.wraps(function)
    def switched_off_function(*args, **kwargs):
        raise WriteItYourself(name)
    return switched_off_function


def _with_twins(functions):
    """{id: (function, the name its stand-in gives)} for ``functions`` and each one's ``private_twins``."""
    found = {}
    for function in functions:
        found[id(function)] = (function, function.__name__)
        for twin in getattr(function, "private_twins", ()):
            found.setdefault(id(twin), (twin, function.__name__))
    return found


def _namespaces():
    """The __dict__ of every module (and module-like object) in sys.modules."""
    for module in list(sys.modules.values()):
        try:
            namespace = vars(module)
        except TypeError:  # None or an object without a __dict__
            continue
        if isinstance(namespace, dict):
            yield namespace


def holders(functions):
    """[(namespace, name, function)]: every module attribute, under any name, that is one of ``functions``."""
    wanted = {id(f): f for f in functions}
    found = []
    for namespace in _namespaces():
        for name, value in namespace.copy().items():  # copy: another thread may import meanwhile
            if id(value) in wanted and wanted[id(value)] is value:
                found.append((namespace, name, value))
    return found


def closure_holders(answer, functions):
    """[(cell, function)]: the cells of ``answer``'s closure that hold one of ``functions`` (a function defined
    inside another one, after a local import)."""
    wanted = {id(f): f for f in functions}
    found = []
    for cell in getattr(answer, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if id(value) in wanted and wanted[id(value)] is value:
            found.append((cell, value))
    return found


class switched_off:  # noqa: N801 - used like a function: with switched_off([...]):
    """Replace ``functions`` everywhere they are held by stand-ins that raise WriteItYourself (see above), and
    in the closure of ``answer`` if given.

    The holders are found once, on first use; the same object can switch them off again for every case.
    """

    def __init__(self, functions, answer=None):
        named = _with_twins(functions)
        self.functions = [function for function, _ in named.values()]
        self.answer = answer
        self.stand_ins = {key: _stand_in(function, name) for key, (function, name) in named.items()}
        self.replaced = self.cells = None

    def __enter__(self):
        if self.replaced is None:
            self.replaced = holders(self.functions) if self.functions else []
            self.cells = closure_holders(self.answer, self.functions) if self.functions else []
        for namespace, name, function in self.replaced:
            namespace[name] = self.stand_ins[id(function)]
        for cell, function in self.cells:
            cell.cell_contents = self.stand_ins[id(function)]
        return self

    def __exit__(self, *exc_info):
        for namespace, name, function in self.replaced:
            namespace[name] = function
        for cell, function in self.cells:
            cell.cell_contents = function
        return False


def called_switched_off(error):
    """The WriteItYourself behind ``error`` (itself, or what caused it), else None."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, WriteItYourself):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None
