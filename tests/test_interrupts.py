"""Ctrl-C during a long run is recorded and raised between two files or frames."""

import os
import signal

import pytest

from fercnn.app.interrupts import deferred_interrupts, stop_if_interrupted


def test_ctrl_c_waits_for_the_next_item_and_a_second_one_stops_at_once():
    with deferred_interrupts():
        os.kill(os.getpid(), signal.SIGINT)  # recorded, not raised here (inside a finaliser, say)
        with pytest.raises(KeyboardInterrupt):
            stop_if_interrupted()
    with deferred_interrupts():
        stop_if_interrupted()  # a new block starts with no request
        os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            signal.pthread_sigmask(signal.SIG_BLOCK, [])  # a call that lets Python run the handler


def test_after_the_block_ctrl_c_is_handled_as_before_it():
    before = signal.getsignal(signal.SIGINT)
    with deferred_interrupts():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before
