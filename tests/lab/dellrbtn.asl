/*
 * pin13 lab: a Dell "radio button" (kernel driver dell-rbtn) with no laptop.
 *
 * The device _HID "DELLABCE" makes the kernel bind dell-rbtn. CRBT = 2 says
 * "slider", so dell-rbtn registers an rfkill device named "dell-rbtn" (wlan).
 * GRBT returns the switch position, read from I/O port 0xE0. QEMU's
 * `-device pc-testdev` makes port 0xE0 a read/write scratch byte, so the
 * guest flips the switch by writing that byte through /dev/port (offset 224):
 *   0 = switch off (radio hard-blocked), 1 = switch on (radio free).
 * dell-rbtn re-reads GRBT whenever a soft-state change is requested for its
 * rfkill device (rfkill core calls ops->query first), e.g. `echo 0 > soft`.
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
                Return (LSW0)
            }
        }
    }
}
