// Minimal ELF32 little-endian reader: find a symbol's address (for _SEGGER_RTT).
import { readFileSync } from 'node:fs';

export function elfSymbols(path) {
  return new Map([...elfSymbolTable(path)].map(([n, v]) => [n, v.addr]));
}

// name -> { addr, size } (Thumb function addresses have bit 0 set).
export function elfSymbolTable(path) {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 1 || b[5] !== 1) {
    throw new Error(`${path}: not a 32-bit little-endian ELF`);
  }
  const shoff = b.readUInt32LE(0x20);
  const shentsize = b.readUInt16LE(0x2e);
  const shnum = b.readUInt16LE(0x30);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({
      type: b.readUInt32LE(o + 4),
      offset: b.readUInt32LE(o + 16),
      size: b.readUInt32LE(o + 20),
      link: b.readUInt32LE(o + 24),
      entsize: b.readUInt32LE(o + 36),
    });
  }
  const syms = new Map();
  for (const s of sections) {
    if (s.type !== 2) continue; // SHT_SYMTAB
    const strtab = sections[s.link];
    for (let o = s.offset; o + 16 <= s.offset + s.size; o += s.entsize || 16) {
      const nameOff = b.readUInt32LE(o);
      const value = b.readUInt32LE(o + 4);
      const size = b.readUInt32LE(o + 8);
      let end = strtab.offset + nameOff;
      while (b[end] !== 0) end++;
      const name = b.toString('latin1', strtab.offset + nameOff, end);
      if (name) syms.set(name, { addr: value, size });
    }
  }
  return syms;
}
