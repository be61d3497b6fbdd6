// The USB host side of the emulated RP2040's device controller.
//
// rp2040js completes every transfer the moment the firmware arms a buffer and
// clears AVAILABLE on OUT buffers it has no data for (embassy-rp's read then
// returns stale bytes). This host takes over the DPRAM buffer-control hook:
// an OUT buffer stays AVAILABLE (NAK) until the host really has data for it,
// an IN buffer stays AVAILABLE until the host polls it (a closed port does
// not poll its bulk IN endpoint, as with Linux cdc-acm).
const AVAILABLE = 1 << 10;
const STALL = 1 << 11;
const FULL = 1 << 15;
const LEN_MASK = 0x3ff;
const BUF_CTRL_FIRST = 0x80;
const BUF_CTRL_LAST = 0xfc;

export const CDC_SET_LINE_CODING = 0x20;
export const CDC_SET_CONTROL_LINE_STATE = 0x22;

export class UsbHost {
  constructor(mcu, { log = () => {}, onEvent = () => {} } = {}) {
    this.onEvent = onEvent;
    this.mcu = mcu;
    this.usb = mcu.usbCtrl;
    this.log = log;
    this.armedOut = new Set();
    this.pendingIn = new Set();
    this.control = null; // the control transfer in progress
    this.controlQueue = [];
    this.bulkOutQueue = []; // packets (Uint8Array) waiting for the OUT endpoint
    this.inAccept = false; // host polls bulk IN (port open)
    this.onBulkIn = () => {};
    this.onConfigured = () => {};
    this.configured = false;
    this.enumerate = true;
    this.info = null;
    this.resets = 0;
    this.deliverAlarm = mcu.clock.createAlarm(() => this.pump());
    this.usb.onUSBEnabled = () => { this.log('usb: device enabled at '+(this.mcu.clock.nanos/1e6)+' ms, bus reset'); this.usb.resetDevice(); };
    this.usb.onResetReceived = () => {
      this.resets++;
      if (this.enumerate) this.runEnumeration();
    };
    this.usb.DPRAMUpdated = (offset, value) => this.dpram(offset, value);
  }

  dv() { return this.mcu.usbDPRAMView; }

  dpram(offset, value) {
    if (offset < BUF_CTRL_FIRST || offset > BUF_CTRL_LAST || (offset & 3)) return;
    const ep = (offset - BUF_CTRL_FIRST) >> 3;
    const out = !!(offset & 4);
    if (value & STALL && ep === 0 && this.control) {
      this.finishControl({ stall: true });
      return;
    }
    if (!(value & AVAILABLE)) {
      if (out) this.armedOut.delete(ep); else this.pendingIn.delete(ep);
      return;
    }
    if (out) this.armedOut.add(ep); else this.pendingIn.add(ep);
    this.schedule();
  }

  schedule() {
    // Host-side work runs a few microseconds after the firmware's write, not
    // inside its store instruction.
    // (rp2040js never clears ClockAlarm.scheduled after firing: own flag.)
    if (!this.pumpPending) { this.pumpPending = true; this.deliverAlarm.schedule(2000); }
  }

  bufOffset(ep, out) { return this.usb.getEndpointBufferOffset(ep, out); }

  takeIn(ep) {
    const reg = BUF_CTRL_FIRST + ep * 8;
    const ctrl = this.dv().getUint32(reg, true);
    const len = ctrl & LEN_MASK;
    const off = this.bufOffset(ep, false);
    const data = this.mcu.usbDPRAM.slice(off, off + len);
    this.dv().setUint32(reg, ctrl & ~(AVAILABLE | FULL), true);
    this.pendingIn.delete(ep);
    this.usb.indicateBufferReady(ep, false);
    return data;
  }

  giveOut(ep, data) {
    const reg = BUF_CTRL_FIRST + ep * 8 + 4;
    const ctrl = this.dv().getUint32(reg, true);
    const off = this.bufOffset(ep, true);
    this.mcu.usbDPRAM.set(data, off);
    this.dv().setUint32(reg, ((ctrl & ~(AVAILABLE | LEN_MASK)) | FULL | data.length) >>> 0, true);
    this.armedOut.delete(ep);
    this.usb.indicateBufferReady(ep, true);
  }

  pump() {
    this.pumpPending = false;
    // Control endpoint.
    const c = this.control;
    if (c) {
      if (this.pendingIn.has(0)) {
        const d = this.takeIn(0);
        if (c.stage === 'data-in') {
          c.data.push(...d);
          if (d.length < 64 || c.data.length >= c.wLength) c.stage = 'status-out';
        } else if (c.stage === 'status-in') {
          this.finishControl({ data: new Uint8Array(0) });
        }
      }
      if (this.control === c && this.armedOut.has(0)) {
        if (c.stage === 'data-out') { this.giveOut(0, c.out); c.stage = 'status-in'; }
        else if (c.stage === 'status-out') { this.giveOut(0, new Uint8Array(0)); this.finishControl({ data: Uint8Array.from(c.data) }); }
      }
    }
    if (!this.control && this.controlQueue.length) this.startControl(this.controlQueue.shift());
    // Bulk endpoints.
    if (this.configured && this.ep) {
      if (this.inAccept && this.pendingIn.has(this.ep.in)) {
        const d = this.takeIn(this.ep.in);
        this.onBulkIn(d);
        this.onEvent();
      }
      if (this.bulkOutQueue.length && this.armedOut.has(this.ep.out)) {
        this.giveOut(this.ep.out, this.bulkOutQueue.shift());
      }
    }
    if (this.pendingIn.size || (this.bulkOutQueue.length && this.armedOut.size) || this.control) {
      // Keep polling while something is outstanding (like a host's frame schedule).
      this.pumpPending = true;
      this.deliverAlarm.schedule(this.control ? 5000 : 20000);
    }
  }

  // Queue a control transfer; resolves with { data } or { stall } or { aborted }.
  controlTransfer(bmRequestType, bRequest, wValue, wIndex, wLengthOrData) {
    return new Promise((resolve) => {
      const out = wLengthOrData instanceof Uint8Array ? wLengthOrData : null;
      const wLength = out ? out.length : wLengthOrData;
      this.controlQueue.push({ bmRequestType, bRequest, wValue, wIndex, wLength, out, resolve });
      this.schedule();
    });
  }

  startControl(c) {
    const s = new Uint8Array(8);
    const v = new DataView(s.buffer);
    s[0] = c.bmRequestType; s[1] = c.bRequest;
    v.setUint16(2, c.wValue, true); v.setUint16(4, c.wIndex, true); v.setUint16(6, c.wLength, true);
    c.data = [];
    c.stage = c.bmRequestType & 0x80 ? 'data-in' : c.out && c.out.length ? 'data-out' : 'status-in';
    this.control = c;
    this.usb.sendSetupPacket(s);
    this.schedule();
  }

  finishControl(result) {
    const c = this.control;
    this.control = null;
    if (c) { c.resolve(result); this.onEvent(); }
    this.schedule();
  }

  abortAll() {
    if (this.control) this.finishControl({ aborted: true });
    for (const c of this.controlQueue.splice(0)) c.resolve({ aborted: true });
    this.bulkOutQueue = [];
    this.armedOut.clear();
    this.pendingIn.clear();
    this.configured = false;
  }

  // Bus reset (SE0 for 10 ms); with enumerate=false the host stays silent (unplugged).
  busReset({ enumerate = true } = {}) {
    this.abortAll();
    this.enumerate = enumerate;
    this.usb.resetDevice();
  }

  async getDescriptor(type, index, lang, len) {
    const r = await this.controlTransfer(0x80, 6, (type << 8) | index, lang, len);
    if (!r.data) throw new Error(`GET_DESCRIPTOR ${type}/${index}: ${r.stall ? 'stall' : 'aborted'}`);
    return r.data;
  }

  async getString(index, lang) {
    if (!index) return null;
    const d = await this.getDescriptor(3, index, lang, 255);
    let s = '';
    for (let i = 2; i + 1 < d[0] && i + 1 < d.length; i += 2) s += String.fromCharCode(d[i] | (d[i + 1] << 8));
    return s;
  }

  async runEnumeration() {
    try {
      const t0 = this.mcu.clock.nanos;
      await this.getDescriptor(1, 0, 0, 64);
      const r = await this.controlTransfer(0x00, 5, 1, 0, 0); // SET_ADDRESS 1
      if (!r.data) throw new Error('SET_ADDRESS failed');
      const dev = await this.getDescriptor(1, 0, 0, 18);
      const dv = new DataView(dev.buffer);
      const cfgHead = await this.getDescriptor(2, 0, 0, 9);
      const total = cfgHead[2] | (cfgHead[3] << 8);
      const cfg = await this.getDescriptor(2, 0, 0, total);
      const langs = await this.getDescriptor(3, 0, 0, 255);
      const lang = langs[2] | (langs[3] << 8);
      const info = {
        vid: dv.getUint16(8, true),
        pid: dv.getUint16(10, true),
        deviceClass: dev[4],
        manufacturer: await this.getString(dev[14], lang),
        product: await this.getString(dev[15], lang),
        serial: await this.getString(dev[16], lang),
        ...parseConfig(cfg),
      };
      const sc = await this.controlTransfer(0x00, 9, 1, 0, 0); // SET_CONFIGURATION 1
      if (!sc.data) throw new Error('SET_CONFIGURATION failed');
      this.ep = { in: info.bulkIn, out: info.bulkOut };
      this.info = info;
      // 115200 8N1, as a Linux cdc-acm open would set.
      const lc = new Uint8Array([0x00, 0xc2, 0x01, 0x00, 0, 0, 8]);
      const l = await this.controlTransfer(0x21, CDC_SET_LINE_CODING, 0, info.commInterface, lc);
      info.lineCoding = l.data ? 'accepted' : l.stall ? 'stalled' : 'aborted';
      this.configured = true;
      info.configuredAtNs = this.mcu.clock.nanos;
      info.enumerationNs = this.mcu.clock.nanos - t0;
      this.log(`usb: configured ${hex4(info.vid)}:${hex4(info.pid)} "${info.product}"`);
      this.schedule();
      this.onConfigured(info);
    } catch (e) {
      this.log(`usb: enumeration stopped: ${e.message}`);
    }
  }

  // DTR/RTS to the CDC communication interface (what opening/closing the tty does).
  async setLineState(dtr) {
    if (!this.info || !this.configured) return { aborted: true };
    return this.controlTransfer(0x21, CDC_SET_CONTROL_LINE_STATE, dtr ? 3 : 0, this.info.commInterface, 0);
  }

  sendBulk(bytes, packet = 64) {
    for (let i = 0; i < bytes.length; i += packet) this.bulkOutQueue.push(Uint8Array.from(bytes.subarray(i, i + packet)));
    this.schedule();
  }
}

function hex4(n) { return n.toString(16).padStart(4, '0'); }

export function parseConfig(cfg) {
  const r = { interfaces: [], commInterface: -1, dataInterface: -1, bulkIn: -1, bulkOut: -1, notify: -1 };
  let cls = -1, num = -1;
  for (let i = 0; i + 1 < cfg.length && cfg[i] >= 2; i += cfg[i]) {
    const type = cfg[i + 1];
    if (type === 4) {
      num = cfg[i + 2]; cls = cfg[i + 5];
      r.interfaces.push({ number: num, class: cls, subclass: cfg[i + 6], protocol: cfg[i + 7] });
      if (cls === 2 && r.commInterface < 0) r.commInterface = num;
      if (cls === 10 && r.dataInterface < 0) r.dataInterface = num;
    } else if (type === 5) {
      const addr = cfg[i + 2], attr = cfg[i + 3] & 3;
      if (cls === 10 && attr === 2) { if (addr & 0x80) r.bulkIn = addr & 0xf; else r.bulkOut = addr & 0xf; }
      if (cls === 2 && attr === 3) r.notify = addr & 0xf;
    }
  }
  return r;
}
