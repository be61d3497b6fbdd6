/*
 * pin13 lab: two laptop kill switches with no laptop.
 *
 * Both read I/O port 0xE0. QEMU's `-device pc-testdev` makes it a read/write
 * scratch register; the guest writes it through /dev/port (offset 224).
 *   bit 0: the Dell switch (dell-rbtn)   1 = on (radio free), 0 = off (blocked)
 *   bit 1: the IdeaPad switch            1 = on, 0 = off
 *
 * 1. A Dell "radio button" (kernel driver dell-rbtn):
 *
 * The device _HID "DELLABCE" makes the kernel bind dell-rbtn. CRBT = 2 says
 * "slider", so dell-rbtn registers an rfkill device named "dell-rbtn" (wlan).
 * GRBT returns bit 0. dell-rbtn re-reads GRBT whenever a soft-state change is
 * requested for its rfkill device (the rfkill core calls ops->query first),
 * e.g. `echo 0 > soft`; it sets soft and hard together (rfkill_set_states),
 * hard_block_reasons stays 0x0.
 *
 * 2. A Lenovo IdeaPad "VPC2004" (kernel driver ideapad-laptop, loaded with
 * hw_rfkill_switch=1): _CFG says "has wifi" (bit 18), so the driver registers
 * the rfkill device "ideapad_wlan" (wlan). VPCW/VPCR emulate the embedded
 * controller's mailbox: VPCW(1, cmd) selects a command, VPCR(1) = 0 says
 * "done", VPCR(0) returns the data. VPCCMD_R_RF (0x23) returns bit 1; the
 * driver reports the hard state with rfkill_set_hw_state(), so a hard block
 * carries reason 0x1 (signal). The driver re-reads R_RF on an ACPI notify
 * whose VPC2 byte (command 0x1A) has bit 1 set: the thermal zone LTZ0 below
 * is polled by the kernel every 0.1 s and sends that notify when bit 1 of
 * the port changes.
 */
DefinitionBlock ("", "SSDT", 2, "PIN13", "LABRBTN", 0x00000001)
{
    Scope (\_SB)
    {
        OperationRegion (LABP, SystemIO, 0xE0, 0x01)
        Field (LABP, ByteAcc, NoLock, Preserve)
        {
            LSW0, 8
        }

        Device (RBTN)
        {
            Name (_HID, "DELLABCE")
            Name (_UID, 0x00)
            Method (_STA, 0, NotSerialized)
            {
                Return (0x0F)
            }
            Method (CRBT, 0, NotSerialized)
            {
                Return (0x02)
            }
            Method (ARBT, 1, NotSerialized)
            {
            }
            Method (GRBT, 0, NotSerialized)
            {
                Return (LSW0 & 0x01)
            }
        }

        Device (IDPD)
        {
            Name (_HID, "VPC2004")
            Name (_UID, 0x00)
            Name (VCMD, 0x00)
            Name (VDAT, 0x00)
            Method (_STA, 0, NotSerialized)
            {
                Return (0x0F)
            }
            Method (_CFG, 0, NotSerialized)
            {
                Return (0x00040000)
            }
            Method (VPCW, 2, Serialized)
            {
                If (Arg0 == 0x01)
                {
                    VCMD = Arg1
                }
                Else
                {
                    VDAT = Arg1
                }
            }
            Method (VPCR, 1, Serialized)
            {
                If (Arg0 == 0x01)
                {
                    Return (0x00)
                }
                If (VCMD == 0x23)
                {
                    Return ((LSW0 >> 0x01) & 0x01)
                }
                If (VCMD == 0x14)
                {
                    Return (0x01)
                }
                If (VCMD == 0x1A)
                {
                    Return (0x02)
                }
                Return (0x00)
            }
        }
    }

    Scope (\_TZ)
    {
        ThermalZone (LTZ0)
        {
            Name (LAST, 0xFF)
            Name (_TZP, 0x01)
            Method (_TMP, 0, Serialized)
            {
                Local0 = (\_SB.LSW0 & 0x02)
                If (Local0 != LAST)
                {
                    LAST = Local0
                    Notify (\_SB.IDPD, 0x80)
                }
                Return (0x0BB8)
            }
            Method (_CRT, 0, NotSerialized)
            {
                Return (0x0FA0)
            }
        }
    }
}
