// Just enough of jig-protocol (postcard + COBS) for raw-frame scenarios; the
// real host tool is used for everything else.
export function cobsEncode(bytes) {
  const out = [0];
  let codeAt = 0, code = 1;
  for (const b of bytes) {
    if (b === 0) { out[codeAt] = code; codeAt = out.length; out.push(0); code = 1; continue; }
    out.push(b); code++;
    if (code === 0xff) { out[codeAt] = code; codeAt = out.length; out.push(0); code = 1; }
  }
  out[codeAt] = code;
  out.push(0);
  return Uint8Array.from(out);
}

export function cobsDecode(frame) {
  const out = [];
  let i = 0;
  while (i < frame.length && frame[i] !== 0) {
    const code = frame[i++];
    for (let k = 1; k < code; k++) out.push(frame[i++]);
    if (code !== 0xff && i < frame.length && frame[i] !== 0) out.push(0);
  }
  return Uint8Array.from(out);
}

export function varint(n) {
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}

export const REQ = {
  hello: (id) => cobsEncode([id, 0, ...varint(2)]),
  probe: (id, samples, settle) => cobsEncode([id, 1, ...varint(samples), ...varint(settle)]),
  killAssert: (id) => cobsEncode([id, 2, 0]),
  pulse: (id, us) => cobsEncode([id, 2, 2, ...varint(us)]),
  abort: (id) => cobsEncode([id, 4]),
  analogProbe: (id, samples, settle) => cobsEncode([id, 5, ...varint(samples), ...varint(settle)]),
};
export const RESP = ['Hello', 'Probe', 'Kill', 'SelfTest', 'Aborted', 'Error', 'AnalogProbe'];
export const WIRE_ERROR = ['Decode', 'FrameTooLong', 'Invalid', 'Pin', 'Config', 'NoAdc'];

// Collects bulk IN bytes into decoded frames: { id, kind, body: Uint8Array }.
export class FrameCollector {
  constructor() { this.buf = []; this.frames = []; }
  push(bytes) {
    for (const b of bytes) {
      if (b !== 0) { this.buf.push(b); continue; }
      if (!this.buf.length) continue;
      const d = cobsDecode(Uint8Array.from(this.buf));
      this.buf = [];
      this.frames.push({ id: d[0], kind: RESP[d[1]] ?? `?${d[1]}`, body: d.subarray(2) });
    }
  }
}
