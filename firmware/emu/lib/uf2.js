// UF2 reader: checks every block and returns [{addr, data}] for one family.
import { readFileSync } from 'node:fs';

export const FAMILY_RP2040 = 0xe48bff56;
export const FAMILY_RP2350_ARM_S = 0xe48bff59;

export function readUf2(path, family = FAMILY_RP2040) {
  const b = readFileSync(path);
  if (b.length === 0 || b.length % 512 !== 0) throw new Error(`${path}: not a UF2 (size ${b.length})`);
  const blocks = [];
  for (let o = 0; o < b.length; o += 512) {
    const m0 = b.readUInt32LE(o), m1 = b.readUInt32LE(o + 4), mEnd = b.readUInt32LE(o + 508);
    if (m0 !== 0x0a324655 || m1 !== 0x9e5d5157 || mEnd !== 0x0ab16f30) {
      throw new Error(`${path}: block ${o / 512} has bad magic`);
    }
    const flags = b.readUInt32LE(o + 8);
    const addr = b.readUInt32LE(o + 12);
    const size = b.readUInt32LE(o + 16);
    const fam = b.readUInt32LE(o + 28);
    if (flags & 1) continue; // "not main flash"
    if (!(flags & 0x2000) || fam !== family) {
      throw new Error(`${path}: block ${o / 512} is for family 0x${fam.toString(16)}, want 0x${family.toString(16)}`);
    }
    blocks.push({ addr, data: b.subarray(o + 32, o + 32 + size) });
  }
  return blocks;
}
