#!/usr/bin/env python3
"""Pseudo-terminal for the pin13 jig emulator (firmware/emu).

Node has no pty API, so this helper owns the pty master and relays it over
its stdin/stdout. First line on stdout: the slave path. Then messages:
b'D' + u16 length (LE) + bytes  - the host tool wrote these to the port
b'O'                            - a client opened the port
b'C'                            - the last client closed the port
Everything on stdin is written to the master (what the jig sends). Exits when
stdin closes. The bridge does not keep the slave open itself, so a closed
port shows as POLLHUP on the master.
"""
import os, select, struct, sys, time

master, slave = os.openpty()
name = os.ttyname(slave)
os.close(slave)
out = sys.stdout.buffer
out.write(name.encode() + b"\n")
out.flush()
os.set_blocking(master, False)
stdin = sys.stdin.buffer.raw
is_open = False
pending = b""
while True:
    p = select.poll()
    p.register(master, select.POLLIN | (select.POLLOUT if pending else 0))
    ev = dict(p.poll(0))
    m = ev.get(master, 0)
    hup = bool(m & select.POLLHUP)
    if not hup and not is_open:
        is_open = True
        out.write(b"O"); out.flush()
    if m & select.POLLIN:
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        if data:
            out.write(b"D" + struct.pack("<H", len(data)) + data); out.flush()
    if hup and is_open:
        is_open = False
        out.write(b"C"); out.flush()
    if pending and is_open:
        try:
            n = os.write(master, pending)
            pending = pending[n:]
        except BlockingIOError:
            pass
        except OSError:
            pending = b""
    r, _, _ = select.select([stdin], [], [], 0.002 if is_open and not hup else 0.005)
    if r:
        chunk = os.read(stdin.fileno(), 4096)
        if not chunk:
            break
        pending += chunk
    if hup:
        # No client: nothing to read, POLLHUP is permanent; do not spin.
        time.sleep(0.002)
os.close(master)
