//! ELF -> UF2 for the RP2040 boot ROM, and a UF2 checker.
//!
//! UF2 (microsoft/uf2 README): 512-byte blocks, little-endian u32 fields
//! `magic0, magic1, flags, target address, payload size, block number,
//! total blocks, family id`, a 476-byte data area and a final magic. The
//! RP2040 boot ROM wants 256-byte payloads at 256-aligned flash addresses and
//! family 0xE48BFF56. Like elf2uf2-rs, the writer places every loadable ELF
//! segment with file data at its physical (load) address, zero-fills gaps
//! inside a 256-byte page, and leaves the unused tail of the data area zero.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;

pub const MAGIC0: u32 = 0x0A32_4655;
pub const MAGIC1: u32 = 0x9E5D_5157;
pub const MAGIC_END: u32 = 0x0AB1_6F30;
pub const FLAG_FAMILY_ID_PRESENT: u32 = 0x0000_2000;
pub const RP2040_FAMILY_ID: u32 = 0xE48B_FF56;
/// RP2350, Arm cores, secure image (what the Pico 2's boot ROM takes for an Arm program).
pub const RP2350_ARM_S_FAMILY_ID: u32 = 0xE48B_FF59;
pub const BLOCK_SIZE: usize = 512;
pub const PAYLOAD: usize = 256;
const DATA_AREA: usize = 476;

/// Where the image must go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Chip name for messages ("RP2040", "RP2350").
    pub chip: &'static str,
    pub family: u32,
    pub flash_base: u32,
    pub flash_size: u32,
}

/// The Raspberry Pi Pico: RP2040, 2 MiB flash at 0x10000000.
pub const PICO: Target = Target {
    chip: "RP2040",
    family: RP2040_FAMILY_ID,
    flash_base: 0x1000_0000,
    flash_size: 2 * 1024 * 1024,
};

/// The Raspberry Pi Pico 2 (and Pico 2 W): RP2350, 4 MiB flash at 0x10000000.
pub const PICO2: Target = Target {
    chip: "RP2350",
    family: RP2350_ARM_S_FAMILY_ID,
    flash_base: 0x1000_0000,
    flash_size: 4 * 1024 * 1024,
};

/// The board a `--board` name selects.
pub fn board(name: &str) -> Option<Target> {
    match name {
        "pico" => Some(PICO),
        "pico2" => Some(PICO2),
        _ => None,
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Uf2Error {
    #[error("not an ELF file")]
    NotElf,
    #[error("not a 32-bit little-endian ARM ELF file")]
    WrongElfKind,
    #[error("ELF file is truncated or its program headers point outside it")]
    Truncated,
    #[error("ELF file has no loadable data")]
    Empty,
    #[error("segment at 0x{addr:08x} ({len} bytes) is not inside flash 0x{base:08x}..0x{end:08x}")]
    OutsideFlash {
        addr: u32,
        len: u32,
        base: u32,
        end: u32,
    },
    #[error("segments overlap at 0x{0:08x}")]
    Overlap(u32),
    #[error("UF2 file size {0} is not a multiple of 512")]
    UfSize(usize),
    #[error("UF2 block {block}: {what}")]
    Block { block: usize, what: String },
}

/// One loadable piece of an ELF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub addr: u32,
    pub data: Vec<u8>,
}

fn u16_at(b: &[u8], off: usize) -> Result<u16, Uf2Error> {
    b.get(off..off + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or(Uf2Error::Truncated)
}

fn u32_at(b: &[u8], off: usize) -> Result<u32, Uf2Error> {
    b.get(off..off + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(Uf2Error::Truncated)
}

/// The PT_LOAD segments with file data, at their physical addresses.
pub fn load_segments(elf: &[u8]) -> Result<Vec<Segment>, Uf2Error> {
    if elf.len() < 4 || elf[..4] != *b"\x7fELF" {
        return Err(Uf2Error::NotElf);
    }
    // EI_CLASS = 1 (32-bit), EI_DATA = 1 (little endian), e_machine = 40 (ARM).
    if elf.len() < 52 || elf[4] != 1 || elf[5] != 1 || u16_at(elf, 18)? != 40 {
        return Err(Uf2Error::WrongElfKind);
    }
    let phoff = u32_at(elf, 28)? as usize;
    let phentsize = u16_at(elf, 42)? as usize;
    let phnum = u16_at(elf, 44)? as usize;
    if phentsize < 32 {
        return Err(Uf2Error::Truncated);
    }
    let mut segs = Vec::new();
    for i in 0..phnum {
        let ph = phoff
            .checked_add(i * phentsize)
            .ok_or(Uf2Error::Truncated)?;
        let p_type = u32_at(elf, ph)?;
        let p_offset = u32_at(elf, ph + 4)? as usize;
        let p_paddr = u32_at(elf, ph + 12)?;
        let p_filesz = u32_at(elf, ph + 16)? as usize;
        if p_type != 1 || p_filesz == 0 {
            continue;
        }
        let end = p_offset.checked_add(p_filesz).ok_or(Uf2Error::Truncated)?;
        let data = elf.get(p_offset..end).ok_or(Uf2Error::Truncated)?.to_vec();
        segs.push(Segment {
            addr: p_paddr,
            data,
        });
    }
    if segs.is_empty() {
        return Err(Uf2Error::Empty);
    }
    Ok(segs)
}

/// Convert an ELF file to UF2 for `target`.
pub fn elf_to_uf2(elf: &[u8], target: Target) -> Result<Vec<u8>, Uf2Error> {
    segments_to_uf2(&load_segments(elf)?, target)
}

/// Place segments into 256-byte pages and emit one UF2 block per page.
pub fn segments_to_uf2(segs: &[Segment], target: Target) -> Result<Vec<u8>, Uf2Error> {
    let base = target.flash_base as u64;
    let end = base + target.flash_size as u64;
    let mut pages: BTreeMap<u32, ([u8; PAYLOAD], [bool; PAYLOAD])> = BTreeMap::new();
    for s in segs {
        let start = s.addr as u64;
        let stop = start + s.data.len() as u64;
        if start < base || stop > end {
            return Err(Uf2Error::OutsideFlash {
                addr: s.addr,
                len: s.data.len() as u32,
                base: target.flash_base,
                end: end as u32,
            });
        }
        for (i, &byte) in s.data.iter().enumerate() {
            let addr = s.addr + i as u32;
            let page = addr & !(PAYLOAD as u32 - 1);
            let off = (addr - page) as usize;
            let entry = pages
                .entry(page)
                .or_insert(([0; PAYLOAD], [false; PAYLOAD]));
            if entry.1[off] {
                return Err(Uf2Error::Overlap(addr));
            }
            entry.0[off] = byte;
            entry.1[off] = true;
        }
    }
    let total = pages.len() as u32;
    let mut out = Vec::with_capacity(pages.len() * BLOCK_SIZE);
    for (n, (addr, (data, _))) in pages.into_iter().enumerate() {
        for word in [
            MAGIC0,
            MAGIC1,
            FLAG_FAMILY_ID_PRESENT,
            addr,
            PAYLOAD as u32,
            n as u32,
            total,
            target.family,
        ] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&data);
        out.extend_from_slice(&[0u8; DATA_AREA - PAYLOAD]);
        out.extend_from_slice(&MAGIC_END.to_le_bytes());
    }
    Ok(out)
}

/// What a valid UF2 file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uf2Info {
    pub blocks: usize,
    /// Lowest target address.
    pub first: u32,
    /// One past the highest byte written.
    pub end: u32,
}

impl Uf2Info {
    /// Bytes of flash from the flash base to the end of the image (what the
    /// image occupies, boot2 included).
    pub fn flash_span(&self, target: Target) -> u32 {
        self.end - target.flash_base
    }
}

/// Check every block of a UF2 file for `target`: magics, flags, family,
/// 256-byte payloads at 256-aligned flash addresses, consecutive block
/// numbers, one total, no address twice.
pub fn check(uf2: &[u8], target: Target) -> Result<Uf2Info, Uf2Error> {
    if uf2.is_empty() || !uf2.len().is_multiple_of(BLOCK_SIZE) {
        return Err(Uf2Error::UfSize(uf2.len()));
    }
    let blocks = uf2.len() / BLOCK_SIZE;
    let mut seen = std::collections::BTreeSet::new();
    let (mut first, mut last) = (u32::MAX, 0u32);
    let flash_end = target.flash_base as u64 + target.flash_size as u64;
    for (i, b) in uf2.chunks_exact(BLOCK_SIZE).enumerate() {
        let bad = |what: String| Uf2Error::Block { block: i, what };
        let w = |k: usize| u32::from_le_bytes([b[k * 4], b[k * 4 + 1], b[k * 4 + 2], b[k * 4 + 3]]);
        if w(0) != MAGIC0 || w(1) != MAGIC1 {
            return Err(bad("bad start magic".into()));
        }
        if w(127) != MAGIC_END {
            return Err(bad("bad end magic".into()));
        }
        if w(2) != FLAG_FAMILY_ID_PRESENT {
            return Err(bad(format!(
                "flags 0x{:08x}, expected 0x{FLAG_FAMILY_ID_PRESENT:08x}",
                w(2)
            )));
        }
        if w(7) != target.family {
            return Err(bad(format!(
                "family 0x{:08x}, expected 0x{:08x}",
                w(7),
                target.family
            )));
        }
        if w(4) != PAYLOAD as u32 {
            return Err(bad(format!("payload {} bytes, expected {PAYLOAD}", w(4))));
        }
        let addr = w(3);
        if !addr.is_multiple_of(PAYLOAD as u32)
            || (addr as u64) < target.flash_base as u64
            || addr as u64 + PAYLOAD as u64 > flash_end
        {
            return Err(bad(format!(
                "address 0x{addr:08x} is not a 256-aligned flash address"
            )));
        }
        if w(5) != i as u32 || w(6) != blocks as u32 {
            return Err(bad(format!(
                "numbered {} of {}, expected {i} of {blocks}",
                w(5),
                w(6)
            )));
        }
        if !seen.insert(addr) {
            return Err(bad(format!("address 0x{addr:08x} written twice")));
        }
        first = first.min(addr);
        last = last.max(addr);
    }
    Ok(Uf2Info {
        blocks,
        first,
        end: last + PAYLOAD as u32,
    })
}
