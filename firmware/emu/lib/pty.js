// The emulated jig's port as a pseudo-terminal (through pty-bridge.py, since
// Node has no pty API). open/close of the port by a client become DTR up/down.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const BRIDGE = join(dirname(fileURLToPath(import.meta.url)), 'pty-bridge.py');

export function openPty({ onData, onOpen, onClose }) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.env.PYTHON || 'python3', [BRIDGE], { stdio: ['pipe', 'pipe', 'inherit'] });
    let buf = Buffer.alloc(0);
    let path = null;
    p.on('error', reject);
    p.stdout.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (path === null) {
        const nl = buf.indexOf(10);
        if (nl < 0) return;
        path = buf.subarray(0, nl).toString();
        buf = buf.subarray(nl + 1);
        resolve({
          path,
          write: (bytes) => p.stdin.write(Buffer.from(bytes)),
          close: () => new Promise((r) => { p.once('exit', r); p.stdin.end(); }),
        });
      }
      for (;;) {
        if (!buf.length) return;
        const t = buf[0];
        if (t === 0x4f) { buf = buf.subarray(1); onOpen(); }
        else if (t === 0x43) { buf = buf.subarray(1); onClose(); }
        else if (t === 0x44) {
          if (buf.length < 3) return;
          const n = buf.readUInt16LE(1);
          if (buf.length < 3 + n) return;
          const data = buf.subarray(3, 3 + n);
          buf = buf.subarray(3 + n);
          onData(new Uint8Array(data));
        } else { p.kill(); reject(new Error(`pty bridge: bad message ${t}`)); return; }
      }
    });
  });
}
