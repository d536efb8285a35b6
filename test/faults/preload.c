// Fault injection for the test suite: an LD_PRELOAD library that interposes the libc calls iomux's
// addon makes and, at a seeded rate, makes them fail the way a loaded machine can make them fail.
// It is loaded into the node process under test only (the child's LD_PRELOAD), and by default it
// only touches calls made from the addon itself (the caller's return address lies in a loaded
// object whose path contains "iomux.node"), so Node, libuv and V8 run undisturbed.
//
// Environment:
//   IOMUX_FAULT_RATE    probability (0..1) that one call is faulted; 0 or unset: none
//   IOMUX_FAULT_SEED    seed of the fault sequence (a number; default 1)
//   IOMUX_FAULT_CALLS   which calls and which faults, e.g. "recv,send:SHORT,accept4:EMFILE:ECONNABORTED";
//                       a bare name takes that call's transient faults; unset: every call's transient faults
//   IOMUX_FAULT_OBJECT  faults only calls made from an object whose path contains this (default
//                       "iomux.node"; "*" for every caller)
//   IOMUX_FAULT_LOG     a file that gets one JSON line at exit: the seed, the calls eligible for a fault,
//                       each fault injected and the wait faults overtaken by events, counted
//
// Faults, and why each is one a correct program must expect:
//   EINTR from waits (epoll_wait, epoll_pwait, poll, ppoll, select, pselect): a signal arrived. The
//     faulted wait really sleeps part of its timeout first (half of it, or up to 20 ms when it has
//     none), then reports EINTR, as a signal would; events that did arrive are returned instead.
//     A caller that restarts the full timeout after EINTR waits visibly too long.
//   EINTR from recv, send, read, write, accept on a socket or pipe, only when the call may block
//     (a non-blocking call never sleeps, so no signal can interrupt it): nothing was done.
//   EAGAIN from recv, recvfrom, send, sendto, read, accept, accept4, connect, only on a
//     non-blocking socket or pipe (O_NONBLOCK or MSG_DONTWAIT; a blocking call never sees it):
//     readiness is a hint (select(2), BUGS: a ready socket may still block). Also from write on
//     a non-blocking socket, never on a pipe, where EAGAIN means full.
//   SHORT from send, sendto, write: part of the buffer is taken (1 .. len-1 bytes); on a pipe
//     only above PIPE_BUF, below which pipe writes are all or nothing.
//   EINTR from a blocking connect, after the connection is made: see connect() below.
//   ENOMEM, ENOBUFS from send, sendto; EMFILE, ENFILE from accept, accept4, socket, socketpair,
//     pipe, pipe2; ECONNABORTED from accept, accept4: only when named in IOMUX_FAULT_CALLS. The
//     accept faults leave the pending connection queued, as a real EMFILE does.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

// The libc function this file's `name` hides: real_name(...).
#define REAL(name) \
  static __typeof__(name) *real_##name; \
  if (!real_##name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

enum Kind { K_EINTR, K_EAGAIN, K_SHORT, K_ENOMEM, K_ENOBUFS, K_EMFILE, K_ENFILE, K_ECONNABORTED, N_KINDS };
static const char *const kKindNames[N_KINDS] = {"EINTR", "EAGAIN", "SHORT", "ENOMEM", "ENOBUFS", "EMFILE", "ENFILE", "ECONNABORTED"};
static const int kKindErrno[N_KINDS] = {EINTR, EAGAIN, 0, ENOMEM, ENOBUFS, EMFILE, ENFILE, ECONNABORTED};
#define BIT(k) (1u << (k))

enum Call {
  C_EPOLL_WAIT, C_EPOLL_PWAIT, C_POLL, C_PPOLL, C_SELECT, C_PSELECT,
  C_RECV, C_RECVFROM, C_READ, C_SEND, C_SENDTO, C_WRITE,
  C_ACCEPT, C_ACCEPT4, C_CONNECT, C_SOCKET, C_SOCKETPAIR, C_PIPE, C_PIPE2, N_CALLS
};
static const char *const kCallNames[N_CALLS] = {"epoll_wait", "epoll_pwait", "poll", "ppoll", "select", "pselect",
                                                "recv", "recvfrom", "read", "send", "sendto", "write",
                                                "accept", "accept4", "connect", "socket", "socketpair", "pipe", "pipe2"};
#define WAIT_T BIT(K_EINTR)
#define IN_T (BIT(K_EINTR) | BIT(K_EAGAIN))
#define OUT_T (BIT(K_EINTR) | BIT(K_EAGAIN) | BIT(K_SHORT))
#define OUT_ALL (OUT_T | BIT(K_ENOMEM) | BIT(K_ENOBUFS))
#define ACC_ALL (IN_T | BIT(K_EMFILE) | BIT(K_ENFILE) | BIT(K_ECONNABORTED))
#define NEW_FD (BIT(K_EMFILE) | BIT(K_ENFILE))
// Transient faults (taken by a bare name, and by default) and every fault a call can get.
static const unsigned kTransient[N_CALLS] = {WAIT_T, WAIT_T, WAIT_T, WAIT_T, WAIT_T, WAIT_T, IN_T, IN_T, IN_T, OUT_T, OUT_T, OUT_T,
                                             IN_T, IN_T, BIT(K_EINTR), 0, 0, 0, 0};
static const unsigned kPossible[N_CALLS] = {WAIT_T, WAIT_T, WAIT_T, WAIT_T, WAIT_T, WAIT_T, IN_T, IN_T, IN_T, OUT_ALL, OUT_ALL, OUT_T,
                                            ACC_ALL, ACC_ALL, IN_T, NEW_FD, NEW_FD, NEW_FD, NEW_FD};

static double g_rate;
static uint64_t g_seed = 1;
static unsigned g_enabled[N_CALLS];
static char g_object[256] = "iomux.node";
static int g_every_caller;
static char g_log[1024];
static atomic_uint_fast64_t g_counter;
static atomic_uint_fast64_t g_injected[N_CALLS][N_KINDS];
static atomic_uint_fast64_t g_seen[N_CALLS];
// Wait faults rolled but overtaken: events arrived in the part slept, so they were returned.
static atomic_uint_fast64_t g_overtaken[N_CALLS];

static uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

static int kind_by_name(const char *s, size_t n) {
  for (int k = 0; k < N_KINDS; k++)
    if (strlen(kKindNames[k]) == n && strncmp(kKindNames[k], s, n) == 0) return k;
  return -1;
}

static int call_by_name(const char *s, size_t n) {
  for (int c = 0; c < N_CALLS; c++)
    if (strlen(kCallNames[c]) == n && strncmp(kCallNames[c], s, n) == 0) return c;
  return -1;
}

static void die(const char *what, const char *s) {
  fprintf(stderr, "iomux fault preload: %s: %s\n", what, s);
  _exit(98);
}

// "recv,send:SHORT,accept4:EMFILE:ECONNABORTED"
static void parse_calls(const char *spec) {
  const char *p = spec;
  while (*p) {
    size_t len = strcspn(p, ",");
    size_t nlen = strcspn(p, ":,");
    int c = call_by_name(p, nlen);
    if (c < 0) die("unknown call in IOMUX_FAULT_CALLS", p);
    if (nlen == len) {
      g_enabled[c] |= kTransient[c] ? kTransient[c] : kPossible[c];
    } else {
      const char *q = p + nlen;
      while (q < p + len) {
        q++;  // the ':'
        size_t klen = strcspn(q, ":,");
        int k = kind_by_name(q, klen);
        if (k < 0 || !(kPossible[c] & BIT(k))) die("fault not possible for this call in IOMUX_FAULT_CALLS", p);
        g_enabled[c] |= BIT(k);
        q += klen;
      }
    }
    p += len;
    if (*p == ',') p++;
  }
}

static void write_log(void);

__attribute__((constructor)) static void init(void) {
  const char *rate = getenv("IOMUX_FAULT_RATE");
  const char *seed = getenv("IOMUX_FAULT_SEED");
  const char *calls = getenv("IOMUX_FAULT_CALLS");
  const char *object = getenv("IOMUX_FAULT_OBJECT");
  const char *log = getenv("IOMUX_FAULT_LOG");
  if (rate) g_rate = strtod(rate, NULL);
  if (!(g_rate >= 0 && g_rate <= 1)) die("IOMUX_FAULT_RATE must lie in 0..1", rate);
  if (seed) g_seed = strtoull(seed, NULL, 0);
  if (calls && *calls) parse_calls(calls);
  else memcpy(g_enabled, kTransient, sizeof g_enabled);
  if (object && *object) {
    g_every_caller = strcmp(object, "*") == 0;
    snprintf(g_object, sizeof g_object, "%s", object);
  }
  if (log) snprintf(g_log, sizeof g_log, "%s", log);
  atexit(write_log);
}

static void write_log(void) {
  if (!g_log[0]) return;
  char buf[8192];
  int n = snprintf(buf, sizeof buf, "{\"pid\":%d,\"seed\":%llu,\"rate\":%g,\"calls\":{", (int)getpid(),
                   (unsigned long long)g_seed, g_rate);
  int first = 1;
  for (int c = 0; c < N_CALLS; c++) {
    uint64_t seen = atomic_load(&g_seen[c]);
    if (!seen) continue;
    n += snprintf(buf + n, sizeof buf - n, "%s\"%s\":%llu", first ? "" : ",", kCallNames[c], (unsigned long long)seen);
    first = 0;
  }
  n += snprintf(buf + n, sizeof buf - n, "},\"injected\":{");
  first = 1;
  for (int c = 0; c < N_CALLS; c++)
    for (int k = 0; k < N_KINDS; k++) {
      uint64_t v = atomic_load(&g_injected[c][k]);
      if (!v) continue;
      n += snprintf(buf + n, sizeof buf - n, "%s\"%s:%s\":%llu", first ? "" : ",", kCallNames[c], kKindNames[k],
                    (unsigned long long)v);
      first = 0;
    }
  n += snprintf(buf + n, sizeof buf - n, "},\"overtaken\":{");
  first = 1;
  for (int c = 0; c < N_CALLS; c++) {
    uint64_t v = atomic_load(&g_overtaken[c]);
    if (!v) continue;
    n += snprintf(buf + n, sizeof buf - n, "%s\"%s\":%llu", first ? "" : ",", kCallNames[c], (unsigned long long)v);
    first = 0;
  }
  n += snprintf(buf + n, sizeof buf - n, "}}\n");
  int fd = open(g_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  REAL(write);  // not this file's write, which might fault the log itself
  (void)!real_write(fd, buf, (size_t)n);
  close(fd);
}

// ---- which callers are faulted: address ranges of loaded objects, cached ----

struct Range {
  uintptr_t lo, hi;
  int target;
};
#define MAX_RANGES 256
static struct Range g_ranges[MAX_RANGES];
static atomic_int g_nranges;
static pthread_mutex_t g_ranges_mu = PTHREAD_MUTEX_INITIALIZER;

struct Find {
  uintptr_t addr;
  struct Range range;
  int found;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *arg) {
  (void)size;
  struct Find *f = arg;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD) continue;
    uintptr_t a = info->dlpi_addr + ph->p_vaddr;
    if (a < lo) lo = a;
    if (a + ph->p_memsz > hi) hi = a + ph->p_memsz;
  }
  if (f->addr < lo || f->addr >= hi) return 0;
  f->range.lo = lo;
  f->range.hi = hi;
  f->range.target = info->dlpi_name && strstr(info->dlpi_name, g_object) != NULL;
  f->found = 1;
  return 1;
}

static int from_target(const void *ret) {
  if (g_every_caller) return 1;
  uintptr_t a = (uintptr_t)ret;
  int n = atomic_load_explicit(&g_nranges, memory_order_acquire);
  for (int i = 0; i < n; i++)
    if (a >= g_ranges[i].lo && a < g_ranges[i].hi) return g_ranges[i].target;
  struct Find f = {a, {0, 0, 0}, 0};
  dl_iterate_phdr(find_object, &f);
  if (!f.found) return 0;
  pthread_mutex_lock(&g_ranges_mu);
  int m = atomic_load_explicit(&g_nranges, memory_order_relaxed);
  if (m < MAX_RANGES) {
    g_ranges[m] = f.range;
    atomic_store_explicit(&g_nranges, m + 1, memory_order_release);
  }
  pthread_mutex_unlock(&g_ranges_mu);
  return f.range.target;
}

// ---- the dice ----

// The fault for this call, or -1. `allowed` narrows the enabled faults to those that fit now.
static int roll(enum Call c, unsigned allowed, const void *ret, uint64_t *extra) {
  if (g_rate <= 0 || !(g_enabled[c] & allowed) || !from_target(ret)) return -1;
  atomic_fetch_add(&g_seen[c], 1);
  uint64_t i = atomic_fetch_add(&g_counter, 1);
  uint64_t x = splitmix64(g_seed * 0x100000001b3ULL + i);
  if ((double)(x >> 11) * 0x1.0p-53 >= g_rate) return -1;
  unsigned mask = g_enabled[c] & allowed;
  int kinds[N_KINDS], n = 0;
  for (int k = 0; k < N_KINDS; k++)
    if (mask & BIT(k)) kinds[n++] = k;
  uint64_t y = splitmix64(x);
  if (extra) *extra = splitmix64(y);
  return kinds[y % (uint64_t)n];
}

static void count(enum Call c, int k) { atomic_fetch_add(&g_injected[c][k], 1); }

static int overtaken(enum Call c, int r) {
  atomic_fetch_add(&g_overtaken[c], 1);
  return r;
}

// What the fd is, for the faults that fit it: a socket, a pipe, or else; and whether this call
// may block (no O_NONBLOCK, no MSG_DONTWAIT).
enum FdKind { FD_OTHER, FD_SOCKET, FD_PIPE };
struct FdInfo {
  enum FdKind kind;
  int blocking;
};

static struct FdInfo fd_info(int fd, int flags) {
  int saved = errno;
  struct FdInfo info = {FD_OTHER, 1};
  struct stat st;
  if (fstat(fd, &st) == 0) info.kind = S_ISSOCK(st.st_mode) ? FD_SOCKET : S_ISFIFO(st.st_mode) ? FD_PIPE : FD_OTHER;
  int fl = fcntl(fd, F_GETFL);
  info.blocking = !(flags & MSG_DONTWAIT) && fl >= 0 && !(fl & O_NONBLOCK);
  errno = saved;
  return info;
}

static int fail(int e) {
  errno = e;
  return -1;
}

// ---- waits ----

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// The part of a wait of `ms` (-1: none) that a faulted call sleeps before its EINTR: -1 when the
// wait is to return EINTR at once (a zero timeout).
static int interrupted_after(int ms, uint64_t extra) {
  if (ms == 0) return -1;
  if (ms < 0) return 1 + (int)(extra % 20);
  return ms / 2;
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout) {
  REAL(epoll_wait);
  uint64_t extra = 0;
  int k = roll(C_EPOLL_WAIT, BIT(K_EINTR), __builtin_return_address(0), &extra);
  if (k < 0) return real_epoll_wait(epfd, events, maxevents, timeout);
  int part = interrupted_after(timeout, extra);
  if (part >= 0) {
    int r = real_epoll_wait(epfd, events, maxevents, part);
    if (r != 0) return overtaken(C_EPOLL_WAIT, r);
  }
  count(C_EPOLL_WAIT, k);
  return fail(EINTR);
}

int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout, const sigset_t *sigmask) {
  REAL(epoll_pwait);
  uint64_t extra = 0;
  int k = roll(C_EPOLL_PWAIT, BIT(K_EINTR), __builtin_return_address(0), &extra);
  if (k < 0) return real_epoll_pwait(epfd, events, maxevents, timeout, sigmask);
  int part = interrupted_after(timeout, extra);
  if (part >= 0) {
    int r = real_epoll_pwait(epfd, events, maxevents, part, sigmask);
    if (r != 0) return overtaken(C_EPOLL_PWAIT, r);
  }
  count(C_EPOLL_PWAIT, k);
  return fail(EINTR);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout) {
  REAL(poll);
  uint64_t extra = 0;
  int k = roll(C_POLL, BIT(K_EINTR), __builtin_return_address(0), &extra);
  if (k < 0) return real_poll(fds, nfds, timeout);
  int part = interrupted_after(timeout, extra);
  if (part >= 0) {
    int r = real_poll(fds, nfds, part);
    if (r != 0) return overtaken(C_POLL, r);
  }
  count(C_POLL, k);
  return fail(EINTR);
}

static int ts_ms(const struct timespec *ts) {
  if (!ts) return -1;
  int64_t ms = (int64_t)ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000;
  return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo, const sigset_t *sigmask) {
  REAL(ppoll);
  uint64_t extra = 0;
  int k = roll(C_PPOLL, BIT(K_EINTR), __builtin_return_address(0), &extra);
  if (k < 0) return real_ppoll(fds, nfds, tmo, sigmask);
  int part = interrupted_after(ts_ms(tmo), extra);
  if (part >= 0) {
    struct timespec ts = {part / 1000, (long)(part % 1000) * 1000000};
    int r = real_ppoll(fds, nfds, &ts, sigmask);
    if (r != 0) return overtaken(C_PPOLL, r);
  }
  count(C_PPOLL, k);
  return fail(EINTR);
}

int select(int nfds, fd_set *r, fd_set *w, fd_set *x, struct timeval *tv) {
  REAL(select);
  uint64_t extra = 0;
  int k = roll(C_SELECT, BIT(K_EINTR), __builtin_return_address(0), &extra);
  if (k < 0) return real_select(nfds, r, w, x, tv);
  int ms = tv ? (int)(tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000) : -1;
  int part = interrupted_after(ms, extra);
  if (part >= 0) {
    int64_t t0 = now_ms();
    struct timeval t = {part / 1000, (part % 1000) * 1000};
    int n = real_select(nfds, r, w, x, &t);
    if (n != 0) return overtaken(C_SELECT, n);
    if (tv) {  // Linux leaves the time not slept in the timeval, also after EINTR
      int64_t left = ms - (now_ms() - t0);
      if (left < 0) left = 0;
      tv->tv_sec = left / 1000;
      tv->tv_usec = (left % 1000) * 1000;
    }
  }
  count(C_SELECT, k);
  return fail(EINTR);
}

int pselect(int nfds, fd_set *r, fd_set *w, fd_set *x, const struct timespec *tmo, const sigset_t *sigmask) {
  REAL(pselect);
  uint64_t extra = 0;
  int k = roll(C_PSELECT, BIT(K_EINTR), __builtin_return_address(0), &extra);
  if (k < 0) return real_pselect(nfds, r, w, x, tmo, sigmask);
  int part = interrupted_after(ts_ms(tmo), extra);
  if (part >= 0) {
    struct timespec ts = {part / 1000, (long)(part % 1000) * 1000000};
    int n = real_pselect(nfds, r, w, x, &ts, sigmask);
    if (n != 0) return n;
  }
  count(C_PSELECT, k);
  return fail(EINTR);
}

// ---- reads ----

// A call that may block can be interrupted (EINTR); one that may not never sleeps, so it never
// is, but a non-blocking socket or pipe can find nothing after all (EAGAIN).
static unsigned in_allowed(int fd, int flags) {
  struct FdInfo info = fd_info(fd, flags);
  if (info.kind == FD_OTHER) return 0;
  return info.blocking ? BIT(K_EINTR) : BIT(K_EAGAIN);
}

ssize_t recv(int fd, void *buf, size_t len, int flags) {
  REAL(recv);
  int k = roll(C_RECV, in_allowed(fd, flags), __builtin_return_address(0), NULL);
  if (k < 0) return real_recv(fd, buf, len, flags);
  count(C_RECV, k);
  return fail(kKindErrno[k]);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr, socklen_t *alen) {
  REAL(recvfrom);
  int k = roll(C_RECVFROM, in_allowed(fd, flags), __builtin_return_address(0), NULL);
  if (k < 0) return real_recvfrom(fd, buf, len, flags, addr, alen);
  count(C_RECVFROM, k);
  return fail(kKindErrno[k]);
}

ssize_t read(int fd, void *buf, size_t len) {
  REAL(read);
  int k = roll(C_READ, in_allowed(fd, 0), __builtin_return_address(0), NULL);
  if (k < 0) return real_read(fd, buf, len);
  count(C_READ, k);
  return fail(kKindErrno[k]);
}

// ---- writes ----

// As for reads, and a send may also take only part (SHORT). A pipe is different: a write to it
// fails with EAGAIN only when it is full (the wakeup-pipe idiom relies on that), and writes of
// at most PIPE_BUF bytes are all or nothing, so a pipe gets neither fault there.
static unsigned out_allowed(int fd, int flags, size_t len) {
  struct FdInfo info = fd_info(fd, flags);
  if (info.kind == FD_OTHER) return 0;
  if (info.kind == FD_PIPE) return (info.blocking ? BIT(K_EINTR) : 0) | (len > PIPE_BUF ? BIT(K_SHORT) : 0);
  return (info.blocking ? BIT(K_EINTR) : BIT(K_EAGAIN)) | BIT(K_ENOMEM) | BIT(K_ENOBUFS) | (len > 1 ? BIT(K_SHORT) : 0);
}

static size_t short_len(size_t len, uint64_t extra) { return 1 + (size_t)(extra % (uint64_t)(len - 1)); }

ssize_t send(int fd, const void *buf, size_t len, int flags) {
  REAL(send);
  uint64_t extra = 0;
  int k = roll(C_SEND, out_allowed(fd, flags, len), __builtin_return_address(0), &extra);
  if (k < 0) return real_send(fd, buf, len, flags);
  count(C_SEND, k);
  if (k == K_SHORT) return real_send(fd, buf, short_len(len, extra), flags);
  return fail(kKindErrno[k]);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *addr, socklen_t alen) {
  REAL(sendto);
  uint64_t extra = 0;
  int k = roll(C_SENDTO, out_allowed(fd, flags, len), __builtin_return_address(0), &extra);
  if (k < 0) return real_sendto(fd, buf, len, flags, addr, alen);
  count(C_SENDTO, k);
  if (k == K_SHORT) return real_sendto(fd, buf, short_len(len, extra), flags, addr, alen);
  return fail(kKindErrno[k]);
}

ssize_t write(int fd, const void *buf, size_t len) {
  REAL(write);
  uint64_t extra = 0;
  int k = roll(C_WRITE, out_allowed(fd, 0, len), __builtin_return_address(0), &extra);
  if (k < 0) return real_write(fd, buf, len);
  count(C_WRITE, k);
  if (k == K_SHORT) return real_write(fd, buf, short_len(len, extra));
  return fail(kKindErrno[k]);
}

// ---- new fds ----

int accept(int fd, struct sockaddr *addr, socklen_t *alen) {
  REAL(accept);
  unsigned allowed = in_allowed(fd, 0) | NEW_FD | BIT(K_ECONNABORTED);
  int k = roll(C_ACCEPT, allowed, __builtin_return_address(0), NULL);
  if (k < 0) return real_accept(fd, addr, alen);
  count(C_ACCEPT, k);
  return fail(kKindErrno[k]);
}

int accept4(int fd, struct sockaddr *addr, socklen_t *alen, int flags) {
  REAL(accept4);
  unsigned allowed = in_allowed(fd, 0) | NEW_FD | BIT(K_ECONNABORTED);
  int k = roll(C_ACCEPT4, allowed, __builtin_return_address(0), NULL);
  if (k < 0) return real_accept4(fd, addr, alen, flags);
  count(C_ACCEPT4, k);
  return fail(kKindErrno[k]);
}

// EINTR: a signal interrupted a blocking connect, which the kernel goes on with in the
// background (connect(2), EINTR): here it has already finished, as it does at once on loopback.
// A retried connect() then fails with EISCONN; the caller must wait for writability instead.
int connect(int fd, const struct sockaddr *addr, socklen_t alen) {
  REAL(connect);
  struct FdInfo info = fd_info(fd, 0);
  unsigned allowed = info.kind != FD_SOCKET ? 0 : info.blocking ? BIT(K_EINTR) : BIT(K_EAGAIN);
  int k = roll(C_CONNECT, allowed, __builtin_return_address(0), NULL);
  if (k < 0) return real_connect(fd, addr, alen);
  if (k == K_EINTR) {
    int r = real_connect(fd, addr, alen);
    if (r != 0) return r;
  }
  count(C_CONNECT, k);
  return fail(kKindErrno[k]);
}

int socket(int domain, int type, int protocol) {
  REAL(socket);
  int k = roll(C_SOCKET, NEW_FD, __builtin_return_address(0), NULL);
  if (k < 0) return real_socket(domain, type, protocol);
  count(C_SOCKET, k);
  return fail(kKindErrno[k]);
}

int socketpair(int domain, int type, int protocol, int sv[2]) {
  REAL(socketpair);
  int k = roll(C_SOCKETPAIR, NEW_FD, __builtin_return_address(0), NULL);
  if (k < 0) return real_socketpair(domain, type, protocol, sv);
  count(C_SOCKETPAIR, k);
  return fail(kKindErrno[k]);
}

int pipe(int fds[2]) {
  REAL(pipe);
  int k = roll(C_PIPE, NEW_FD, __builtin_return_address(0), NULL);
  if (k < 0) return real_pipe(fds);
  count(C_PIPE, k);
  return fail(kKindErrno[k]);
}

int pipe2(int fds[2], int flags) {
  REAL(pipe2);
  int k = roll(C_PIPE2, NEW_FD, __builtin_return_address(0), NULL);
  if (k < 0) return real_pipe2(fds, flags);
  count(C_PIPE2, k);
  return fail(kKindErrno[k]);
}
