"""Test and benchmark groups pick free ports, so they can run beside `make run` or
another test run on the same machine."""

import socket

from wegwijs.supervisor import free_ports


def test_free_ports_are_four_different_ports_nobody_listens_on():
    ports = free_ports()
    chosen = [ports.rasa, ports.actions, ports.web, ports.worker_health]
    assert len(set(chosen)) == 4
    for port in chosen:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # raises if the port were taken


def test_a_port_in_use_is_never_chosen():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        for _ in range(20):
            ports = free_ports()
            assert taken not in (ports.rasa, ports.actions, ports.web, ports.worker_health)
