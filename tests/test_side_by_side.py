"""side_by_side: the results of running the tasks one after another, errors raised, a fallback without threads."""

import threading
import time

import numpy as np
import pytest

from cnnlib.data import load_mnist, prepare_images
from cnnlib.nets.kernel_net import build_kernel_net
from cnnlib.optimizers import SGD
from cnnlib.side_by_side import side_by_side
from cnnlib.train import fit


def _train(faithful, x, y):
    # A few steps of notebook 03's two networks: each has its own generator (its dropout masks).
    net = build_kernel_net(faithful=faithful, dtype=np.float32)
    history = fit(net, x, y, num_epochs=2, batch_size=32, optimizer=SGD(0.05), shuffle=False, progress=None)
    return net, history


@pytest.fixture(scope="module")
def digits():
    (x, y), _ = load_mnist(n_train=64)
    return prepare_images(x, dtype=np.float32), y


def _same_runs(a, b):
    (net_a, history_a), (net_b, history_b) = a, b
    assert history_a.loss == history_b.loss and history_a.train_accuracy == history_b.train_accuracy
    for (name, value), other in zip(net_a.named_parameters().items(), net_b.named_parameters().values()):
        assert np.array_equal(value, other), name


def test_the_results_of_the_tasks_run_one_after_another(digits):
    sequential = [_train(True, *digits), _train(False, *digits)]
    together = side_by_side(lambda: _train(True, *digits), lambda: _train(False, *digits))
    assert isinstance(together, list) and len(together) == 2
    for a, b in zip(sequential, together):
        _same_runs(a, b)
    assert together[0][0].__class__.__name__ == "FaithfulKernelNet"  # in the order given


def test_the_tasks_really_run_at_the_same_time():
    # Task 0 waits for task 1 to start: one after another, in one thread, it would wait for ever.
    started = threading.Event()
    assert side_by_side(lambda: started.wait(timeout=10), lambda: started.set() or "ran") == [True, "ran"]


def test_no_task_one_task_and_many():
    assert side_by_side() == []
    assert side_by_side(lambda: 3) == [3]
    assert side_by_side(*[(lambda i=i: i * i) for i in range(5)]) == [0, 1, 4, 9, 16]


def test_an_error_in_a_thread_is_raised_once_every_task_has_ended():
    done = []

    def slow():
        time.sleep(0.2)
        done.append("task 0")
        return 0

    def failing():
        raise ZeroDivisionError("task 1 failed")

    with pytest.raises(ZeroDivisionError, match="task 1 failed"):
        side_by_side(slow, failing)
    assert done == ["task 0"]


def test_the_first_failing_task_in_the_order_given_is_raised():
    def fail(message, delay):
        time.sleep(delay)
        raise ValueError(message)

    with pytest.raises(ValueError, match="first"):
        side_by_side(lambda: None, lambda: fail("first", 0.2), lambda: fail("second", 0.0))


def test_an_error_in_the_first_task_stops_the_others():
    running = threading.Event()
    stopped = []

    def endless():
        running.set()
        try:
            while True:  # Python steps, so the interruption arrives
                time.sleep(0.001)
        except KeyboardInterrupt:
            stopped.append(True)
            raise

    def failing():
        running.wait(timeout=10)
        raise RuntimeError("task 0 failed")

    before = threading.active_count()
    with pytest.raises(RuntimeError, match="task 0 failed"):
        side_by_side(failing, endless)
    assert stopped == [True]
    assert threading.active_count() == before  # no thread left behind


def test_without_threads_the_tasks_run_one_after_another(monkeypatch, digits):
    def no_threads(self):
        raise RuntimeError("can't start new thread")  # what Pyodide (JupyterLite) says

    monkeypatch.setattr(threading.Thread, "start", no_threads)
    order = []

    def task(i):
        order.append(i)
        return i

    assert side_by_side(*[(lambda i=i: task(i)) for i in range(3)]) == [0, 1, 2]
    assert order == [0, 1, 2]
    for a, b in zip([_train(True, *digits), _train(False, *digits)],
                    side_by_side(lambda: _train(True, *digits), lambda: _train(False, *digits))):
        _same_runs(a, b)
    with pytest.raises(KeyError, match="late"):
        side_by_side(lambda: 0, lambda: {}["late"])


@pytest.mark.parametrize("tasks, message", [
    ((lambda: 0, 5), r"task 2 must be a callable of no arguments, got int 5"),
    ((None,), r"task 1 must be a callable of no arguments, got NoneType None"),
    ((lambda: 0, lambda x: x), r"task 2 must be a callable of no arguments, got '<lambda>' with signature \(x\)"),
])
def test_bad_tasks_are_refused_before_anything_runs(tasks, message):
    ran = []  # task 0 records that it ran
    with pytest.raises(ValueError, match=message):
        side_by_side(lambda: ran.append(True), *tasks)
    assert ran == []
