//! UF2 layout from a synthetic ARM ELF, and the checker's rejections.

use uf2conv::{check, elf_to_uf2, load_segments, Uf2Error, BLOCK_SIZE, PICO};

/// (p_type, paddr, data, memsz extra) -> a minimal 32-bit LE ARM ELF.
fn elf(segs: &[(u32, u32, &[u8])]) -> Vec<u8> {
    let phoff = 52u32;
    let mut data_off = phoff + 32 * segs.len() as u32;
    let mut out = vec![0u8; 52];
    out[..4].copy_from_slice(b"\x7fELF");
    out[4] = 1; // 32-bit
    out[5] = 1; // little endian
    out[6] = 1;
    out[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    out[18..20].copy_from_slice(&40u16.to_le_bytes()); // EM_ARM
    out[28..32].copy_from_slice(&phoff.to_le_bytes());
    out[42..44].copy_from_slice(&32u16.to_le_bytes());
    out[44..46].copy_from_slice(&(segs.len() as u16).to_le_bytes());
    let mut blobs = Vec::new();
    for &(ty, paddr, bytes) in segs {
        let mut ph = [0u8; 32];
        ph[0..4].copy_from_slice(&ty.to_le_bytes());
        ph[4..8].copy_from_slice(&data_off.to_le_bytes());
        ph[8..12].copy_from_slice(&0x2000_0000u32.to_le_bytes()); // vaddr differs from paddr (like .data)
        ph[12..16].copy_from_slice(&paddr.to_le_bytes());
        ph[16..20].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
        ph[20..24].copy_from_slice(&(bytes.len() as u32 + 64).to_le_bytes());
        out.extend_from_slice(&ph);
        blobs.extend_from_slice(bytes);
        data_off += bytes.len() as u32;
    }
    out.extend_from_slice(&blobs);
    out
}

fn word(b: &[u8], block: usize, k: usize) -> u32 {
    let o = block * BLOCK_SIZE + k * 4;
    u32::from_le_bytes(b[o..o + 4].try_into().unwrap())
}

#[test]
fn pages_blocks_and_fields() {
    let boot: Vec<u8> = (1..=255u8).chain([7]).collect(); // 256 bytes at the flash base
    let text = [0xAAu8; 300]; // spills into a second page
    let data = [0x55u8; 8]; // .data load image, later in flash
    let image = elf(&[
        (1, 0x1000_0000, &boot),
        (1, 0x1000_0100, &text),
        (1, 0x1000_0400, &data),
        (1, 0x1000_0800, &[]),
    ]);
    let uf2 = elf_to_uf2(&image, PICO).unwrap();
    assert_eq!(
        uf2.len(),
        4 * BLOCK_SIZE,
        "pages 0x000, 0x100, 0x200, 0x400"
    );
    let addrs: Vec<u32> = (0..4).map(|i| word(&uf2, i, 3)).collect();
    assert_eq!(addrs, [0x1000_0000, 0x1000_0100, 0x1000_0200, 0x1000_0400]);
    for i in 0..4 {
        assert_eq!(word(&uf2, i, 0), 0x0A32_4655);
        assert_eq!(word(&uf2, i, 1), 0x9E5D_5157);
        assert_eq!(word(&uf2, i, 2), 0x0000_2000);
        assert_eq!(word(&uf2, i, 4), 256);
        assert_eq!(word(&uf2, i, 5), i as u32);
        assert_eq!(word(&uf2, i, 6), 4);
        assert_eq!(word(&uf2, i, 7), 0xE48B_FF56);
        assert_eq!(word(&uf2, i, 127), 0x0AB1_6F30);
        // The data area beyond the 256-byte payload is zero.
        let o = i * BLOCK_SIZE;
        assert!(uf2[o + 32 + 256..o + 508].iter().all(|&b| b == 0));
    }
    assert_eq!(&uf2[32..32 + 256], &boot[..]);
    assert!(uf2[BLOCK_SIZE + 32..BLOCK_SIZE + 32 + 256]
        .iter()
        .all(|&b| b == 0xAA));
    // Page 0x200: the last 44 bytes of .text, then zero fill.
    let p = &uf2[2 * BLOCK_SIZE + 32..2 * BLOCK_SIZE + 32 + 256];
    assert!(p[..44].iter().all(|&b| b == 0xAA));
    assert!(p[44..].iter().all(|&b| b == 0));
    let p = &uf2[3 * BLOCK_SIZE + 32..3 * BLOCK_SIZE + 32 + 256];
    assert_eq!(&p[..8], &data);

    let info = check(&uf2, PICO).unwrap();
    assert_eq!(info.blocks, 4);
    assert_eq!(info.flash_span(PICO), 0x500);
}

#[test]
fn non_load_and_empty_segments_are_skipped() {
    let image = elf(&[
        (6, 0x1000_0000, &[1, 2, 3]),
        (1, 0x1000_0000, &[9; 4]),
        (1, 0x2000_0000, &[]),
    ]);
    let segs = load_segments(&image).unwrap();
    assert_eq!(segs.len(), 1);
    assert_eq!(segs[0].addr, 0x1000_0000);
}

#[test]
fn bad_elves() {
    assert_eq!(elf_to_uf2(b"hello", PICO), Err(Uf2Error::NotElf));
    let mut image = elf(&[(1, 0x1000_0000, &[1; 4])]);
    image[18] = 62; // x86-64
    assert_eq!(elf_to_uf2(&image, PICO), Err(Uf2Error::WrongElfKind));
    let image = elf(&[(1, 0x1000_0000, &[1; 4])]);
    assert_eq!(
        elf_to_uf2(&image[..image.len() - 2], PICO),
        Err(Uf2Error::Truncated)
    );
    let image = elf(&[(1, 0x2000_0000, &[1; 4])]);
    assert!(matches!(
        elf_to_uf2(&image, PICO),
        Err(Uf2Error::OutsideFlash {
            addr: 0x2000_0000,
            ..
        })
    ));
    let image = elf(&[(1, 0x1000_0000, &[1; 8]), (1, 0x1000_0004, &[2; 8])]);
    assert_eq!(
        elf_to_uf2(&image, PICO),
        Err(Uf2Error::Overlap(0x1000_0004))
    );
    let image = elf(&[(2, 0x1000_0000, &[1; 8])]);
    assert_eq!(elf_to_uf2(&image, PICO), Err(Uf2Error::Empty));
}

#[test]
fn checker_rejects_broken_files() {
    let image = elf(&[(1, 0x1000_0000, &[3; 600])]);
    let good = elf_to_uf2(&image, PICO).unwrap();
    assert!(check(&good, PICO).is_ok());
    assert!(matches!(
        check(&good[..700], PICO),
        Err(Uf2Error::UfSize(700))
    ));
    assert!(matches!(check(&[], PICO), Err(Uf2Error::UfSize(0))));
    let poke = |block: usize, k: usize, v: u32| {
        let mut b = good.clone();
        let o = block * BLOCK_SIZE + k * 4;
        b[o..o + 4].copy_from_slice(&v.to_le_bytes());
        b
    };
    let cases = [
        (poke(1, 0, 0), "start magic"),
        (poke(2, 127, 0), "end magic"),
        (poke(0, 2, 0), "flags"),
        (poke(0, 7, 0xE48B_FF57), "family"),
        (poke(0, 4, 476), "payload"),
        (poke(1, 3, 0x1000_0080), "256-aligned"),
        (poke(1, 3, 0x2000_0000), "256-aligned"),
        (poke(1, 5, 7), "numbered"),
        (poke(1, 6, 9), "numbered"),
        (poke(2, 3, 0x1000_0000), "twice"),
    ];
    for (bytes, what) in cases {
        match check(&bytes, PICO) {
            Err(Uf2Error::Block { what: msg, .. }) => {
                assert!(msg.contains(what), "{msg} vs {what}")
            }
            other => panic!("{what}: {other:?}"),
        }
    }
}

#[test]
fn pico2_images_carry_the_rp2350_family_and_are_refused_as_rp2040() {
    use uf2conv::{board, PICO2};
    let image = elf(&[(1, 0x1000_0000, &[0x11; 600])]);
    let uf2 = elf_to_uf2(&image, PICO2).unwrap();
    assert_eq!(uf2.len(), 3 * BLOCK_SIZE);
    for i in 0..3 {
        assert_eq!(word(&uf2, i, 7), 0xE48B_FF59);
    }
    assert_eq!(check(&uf2, PICO2).unwrap().blocks, 3);
    assert!(
        check(&uf2, PICO).is_err(),
        "an RP2350 image is not an RP2040 image"
    );
    let rp2040 = elf_to_uf2(&image, PICO).unwrap();
    assert!(check(&rp2040, PICO2).is_err(), "and the other way round");
    // Pico 2 flash is 4 MiB: an image past 2 MiB fits there only.
    let big = elf(&[(1, 0x1000_0000 + 3 * 1024 * 1024, &[1; 16])]);
    assert!(elf_to_uf2(&big, PICO).is_err());
    assert!(elf_to_uf2(&big, PICO2).is_ok());
    assert_eq!(board("pico2"), Some(PICO2));
    assert_eq!(board("pico"), Some(PICO));
    assert_eq!(board("pico3"), None);
}
