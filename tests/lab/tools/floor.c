/* The floor for the status benchmark (tests/lab/bench): the least a status
 * command must do. Opens /dev/rfkill non-blocking, drains the events the kernel
 * queues for a new reader (one ADD per device), writes one line ("N events"),
 * exits. No libc: raw system calls and its own _start, so start-up is only the
 * kernel's exec. Built for x86_64 and i386 by tests/lab/lib/host.sh:
 *   gcc -Os -static -nostdlib -fno-pie -no-pie -fno-stack-protector [-m32]
 */
#if defined(__x86_64__)
#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_exit 60
static long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
#elif defined(__i386__)
#define SYS_exit 1
#define SYS_read 3
#define SYS_write 4
#define SYS_open 5
static long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
  return r;
}
#else
#error "x86_64 or i386 only"
#endif

#define O_RDONLY 0
#define O_NONBLOCK 04000

static void run(void) {
  char buf[4096], line[32];
  long fd = sys3(SYS_open, (long)"/dev/rfkill", O_RDONLY | O_NONBLOCK, 0);
  long n = 0, r;
  int i = sizeof line, len;
  if (fd < 0) {
    sys3(SYS_write, 2, (long)"floor: cannot open /dev/rfkill\n", 31);
    sys3(SYS_exit, 1, 0, 0);
  }
  /* each read returns one event (8 or 9 bytes); stop at EAGAIN */
  while ((r = sys3(SYS_read, fd, (long)buf, sizeof buf)) > 0) n++;
  line[--i] = '\n';
  const char *tail = " events";
  for (len = 7; len > 0; len--) line[--i] = tail[len - 1];
  do { line[--i] = (char)('0' + n % 10); n /= 10; } while (n > 0);
  sys3(SYS_write, 1, (long)(line + i), (long)(sizeof line - i));
  sys3(SYS_exit, 0, 0, 0);
}

#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n\tandq $-16, %rsp\n\tcall run_entry\n\thlt\n");
#else
__asm__(".globl _start\n_start:\n\tandl $-16, %esp\n\tcall run_entry\n\thlt\n");
#endif
void run_entry(void) { run(); }
