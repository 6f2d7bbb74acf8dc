"""Independent pieces of work run at the same time, one thread each: ``side_by_side``.

    faithful, corrected = side_by_side(lambda: train(faithful=True), lambda: train(faithful=False))

numpy lets go of Python's global lock during its long operations (matrix products, elementwise
functions on large arrays), so two trainings of two networks keep two cores busy
although Python runs one thread at a time. The results are those of running the tasks one after
another, provided that each task uses only its own networks and random generators (and only reads
any arrays the tasks share): the order in which the threads happen to run then changes nothing.

Where Python cannot start a thread (JupyterLite runs Python in the browser, without threads), the
tasks run one after another, with the same results. Interrupting (Ctrl-C, or Jupyter's stop
button) stops every task.
"""

import threading

from cnnlib._checks import check_callable


def side_by_side(*tasks):
    """Call each task (a function of no arguments) at the same time; return their results, in order, as a list.

    The first task runs in the calling thread and every other one in a thread of its own (or after the
    first, where threads are not available). An error in a task is raised here once every task has
    ended (the first failing task's, in the order given); an error in the first task, or an interruption,
    first stops the tasks still running.
    tasks: functions of no arguments. Returns a list of len(tasks) results.
    """
    for i, task in enumerate(tasks):
        check_callable(f"task {i}", task, "of no arguments", 0)
    results, errors = [None] * len(tasks), [None] * len(tasks)

    def run(i):
        try:
            results[i] = tasks[i]()
        except BaseException as err:  # kept for the caller, including an interruption
            errors[i] = err

    threads = {}
    for i in range(1, len(tasks)):
        thread = threading.Thread(target=run, args=(i,), name=f"side_by_side task {i}", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no threads here (e.g. Pyodide): this task runs after the first
            continue
        threads[i] = thread
    try:
        if tasks:
            results[0] = tasks[0]()
        for i in range(1, len(tasks)):
            if i in threads:
                threads[i].join()
            else:
                run(i)
    except BaseException:  # an error in the first task, or an interruption: stop the others, then raise it
        _interrupt(threads.values())
        raise
    for err in errors:
        if err is not None:
            raise err
    return results


def _interrupt(threads):
    """Raise KeyboardInterrupt in every thread still running (at its next Python step), and wait for them."""
    alive = [thread for thread in threads if thread.is_alive()]
    if alive:
        import ctypes  # only where threads run

        for thread in alive:
            ident, error = ctypes.c_ulong(thread.ident), ctypes.py_object(KeyboardInterrupt)
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ident, error)
    for thread in threads:
        thread.join()
