/* The io_uring anchor: echo and HTTP keep-alive servers in C on raw io_uring syscalls (no liburing,
   only the kernel's <linux/io_uring.h>), the limit a JavaScript server on io_uring could approach.
   One multishot accept; per connection one multishot recv that picks its buffer from a provided
   buffer ring; the answers (echo: the received buffer itself, HTTP: a static response) queued as
   sends and submitted together with the next wait, so one io_uring_enter serves a whole batch.
   Usage: c-uring workload=echo|http — prints {"port": P} and serves until killed. Where io_uring
   cannot be used (IOMUX_URING=0, the kernel refuses io_uring_setup, a feature this needs is
   missing), it says why on stderr in one line and exits 3. Needs Linux 6.0 (multishot recv). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "server.h"

#define SQ_ENTRIES 1024
#define CQ_ENTRIES 8192
#define BUFS 1024      /* provided buffers: a power of two */
#define BUF_SIZE 4096
#define BGID 0

enum { OP_ACCEPT = 1, OP_RECV, OP_SEND, OP_CLOSE };
#define NO_BUF 0xffff
#define MAX_FD 65536
/* Per fd: the generation of the connection on it (a completion of a closed connection's send
   must not touch the next connection given the same fd: closing starts a new generation) and the
   HTTP parser's state. */
static uint8_t conn_gen[MAX_FD];
static int http_state[MAX_FD];
/* user_data: generation in bits 56..63, op in 48..55, buffer id in 32..47 (NO_BUF: none), fd in 0..31. */
static uint64_t tag(int op, unsigned bid, int fd) {
  return (uint64_t)conn_gen[fd] << 56 | (uint64_t)op << 48 | (uint64_t)bid << 32 | (uint32_t)fd;
}

static void unusable(const char *why, int err) {
  fprintf(stderr, "io_uring: %s%s%s\n", why, err ? ": " : "", err ? strerror(err) : "");
  exit(3);
}

static struct {
  int fd;
  unsigned *sq_head, *sq_tail, sq_mask, *sq_array;
  unsigned *cq_head, *cq_tail, cq_mask;
  struct io_uring_sqe *sqes;
  struct io_uring_cqe *cqes;
  unsigned tail, submitted; /* our SQ tail; how much of it the kernel has */
} ring;

static struct io_uring_buf_ring *bufring;
static char *bufs;
static unsigned buf_tail;
static unsigned send_len[BUFS], send_off[BUFS]; /* an echo send: its length, its offset in its buffer */
static unsigned sends_in_flight; /* sends whose completion will come (echo's: they hold a buffer) */

static int enter(unsigned to_submit, unsigned min_complete, unsigned flags) {
  return (int)syscall(__NR_io_uring_enter, ring.fd, to_submit, min_complete, flags, NULL, 0);
}

/* Tries the cheapest task-running mode first; older kernels refuse its flags with EINVAL. */
static void ring_init(void) {
  static const unsigned tries[] = {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_COOP_TASKRUN, 0};
  struct io_uring_params p;
  int fd = -1;
  for (unsigned i = 0; i < sizeof tries / sizeof tries[0] && fd < 0; i++) {
    memset(&p, 0, sizeof p);
    p.flags = tries[i] | IORING_SETUP_CQSIZE;
    p.cq_entries = CQ_ENTRIES;
    fd = (int)syscall(__NR_io_uring_setup, SQ_ENTRIES, &p);
    if (fd < 0 && errno != EINVAL) unusable("io_uring_setup", errno);
  }
  if (fd < 0) unusable("io_uring_setup", errno);
  if (!(p.features & IORING_FEAT_SINGLE_MMAP)) unusable("needs IORING_FEAT_SINGLE_MMAP (Linux 5.4)", 0);
  size_t sq_size = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  size_t cq_size = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
  size_t size = sq_size > cq_size ? sq_size : cq_size;
  char *sq = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
  if (sq == MAP_FAILED) die("mmap sq ring");
  char *cq = sq; /* one mapping for both rings (FEAT_SINGLE_MMAP) */
  ring.sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
  if (ring.sqes == MAP_FAILED) die("mmap sqes");
  ring.fd = fd;
  ring.sq_head = (unsigned *)(sq + p.sq_off.head);
  ring.sq_tail = (unsigned *)(sq + p.sq_off.tail);
  ring.sq_mask = *(unsigned *)(sq + p.sq_off.ring_mask);
  ring.sq_array = (unsigned *)(sq + p.sq_off.array);
  ring.cq_head = (unsigned *)(cq + p.cq_off.head);
  ring.cq_tail = (unsigned *)(cq + p.cq_off.tail);
  ring.cq_mask = *(unsigned *)(cq + p.cq_off.ring_mask);
  ring.cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
  for (unsigned i = 0; i <= ring.sq_mask; i++) ring.sq_array[i] = i; /* SQE i sits in slot i */
  ring.tail = ring.submitted = *ring.sq_tail;
}

/* Hands the queued SQEs to the kernel and, with wait, blocks until the sends in flight have
   completed and one more completion came: a send to a socket usually completes at once, and
   waking for it alone would cost an io_uring_enter per answer. Every send completes in the end
   and the extra one is the next event, so this waits no longer than one event. */
static void submit(int wait) {
  __atomic_store_n(ring.sq_tail, ring.tail, __ATOMIC_RELEASE);
  unsigned n = ring.tail - ring.submitted;
  for (;;) {
    unsigned want = sends_in_flight + 1 < CQ_ENTRIES / 2 ? sends_in_flight + 1 : CQ_ENTRIES / 2;
    int r = enter(n, wait ? want : 0, wait ? IORING_ENTER_GETEVENTS : 0);
    if (r >= 0) { ring.submitted += (unsigned)r; return; }
    if (errno == EINTR) continue;
    if (errno == EBUSY || errno == EAGAIN) { /* completions first: drain and come back */
      if (n == 0) return;
      n = 0;
      wait = 1;
      continue;
    }
    die("io_uring_enter");
  }
}

static struct io_uring_sqe *sqe(void) {
  if (ring.tail - __atomic_load_n(ring.sq_head, __ATOMIC_ACQUIRE) > ring.sq_mask) submit(0);
  struct io_uring_sqe *s = &ring.sqes[ring.tail & ring.sq_mask];
  ring.tail++;
  memset(s, 0, sizeof *s);
  return s;
}

/* The provided buffer ring (Linux 5.19): the kernel takes a buffer per received chunk. */
static void bufring_init(void) {
  size_t ring_bytes = BUFS * sizeof(struct io_uring_buf);
  bufring = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  bufs = mmap(NULL, (size_t)BUFS * BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (bufring == MAP_FAILED || bufs == MAP_FAILED) die("mmap buffers");
  struct io_uring_buf_reg reg = {.ring_addr = (uint64_t)(uintptr_t)bufring, .ring_entries = BUFS, .bgid = BGID};
  if (syscall(__NR_io_uring_register, ring.fd, IORING_REGISTER_PBUF_RING, &reg, 1) < 0)
    unusable("IORING_REGISTER_PBUF_RING (provided buffer rings need Linux 5.19)", errno);
  for (unsigned bid = 0; bid < BUFS; bid++) {
    struct io_uring_buf *b = &bufring->bufs[bid];
    b->addr = (uint64_t)(uintptr_t)(bufs + (size_t)bid * BUF_SIZE);
    b->len = BUF_SIZE;
    b->bid = (uint16_t)bid;
  }
  buf_tail = BUFS;
  __atomic_store_n(&bufring->tail, (uint16_t)buf_tail, __ATOMIC_RELEASE);
}

/* Gives buffer bid back to the kernel. */
static void recycle(unsigned bid) {
  struct io_uring_buf *b = &bufring->bufs[buf_tail & (BUFS - 1)];
  b->addr = (uint64_t)(uintptr_t)(bufs + (size_t)bid * BUF_SIZE);
  b->len = BUF_SIZE;
  b->bid = (uint16_t)bid;
  buf_tail++;
  __atomic_store_n(&bufring->tail, (uint16_t)buf_tail, __ATOMIC_RELEASE);
}

static void arm_accept(int ls) {
  struct io_uring_sqe *s = sqe();
  s->opcode = IORING_OP_ACCEPT;
  s->fd = ls;
  s->ioprio = IORING_ACCEPT_MULTISHOT;
  s->accept_flags = SOCK_CLOEXEC;
  s->user_data = tag(OP_ACCEPT, NO_BUF, ls);
}

static void arm_recv(int fd) {
  struct io_uring_sqe *s = sqe();
  s->opcode = IORING_OP_RECV;
  s->fd = fd;
  s->ioprio = IORING_RECV_MULTISHOT;
  s->flags = IOSQE_BUFFER_SELECT;
  s->buf_group = BGID;
  s->user_data = tag(OP_RECV, NO_BUF, fd);
}

/* A send whose completion is wanted only when it fails (CQE_SKIP_SUCCESS, Linux 5.17), unless it
   carries a provided buffer, which goes back to the ring when the send is done. */
static void queue_send(int fd, const void *data, unsigned len, unsigned bid) {
  struct io_uring_sqe *s = sqe();
  s->opcode = IORING_OP_SEND;
  s->fd = fd;
  s->addr = (uint64_t)(uintptr_t)data;
  s->len = len;
  s->msg_flags = MSG_NOSIGNAL;
  if (bid == NO_BUF) s->flags = IOSQE_CQE_SKIP_SUCCESS;
  else {
    send_len[bid] = len;
    send_off[bid] = (unsigned)((const char *)data - (bufs + (size_t)bid * BUF_SIZE));
    sends_in_flight++;
  }
  s->user_data = tag(OP_SEND, bid, fd);
}

/* Closes a connection through the ring, after the sends queued before it (SQEs are issued in
   order, and a send holds its socket from then on): a close(2) now could free the fd for the
   next accept while a send queued for the old connection still names it. */
static void queue_close(int fd) {
  struct io_uring_sqe *s = sqe();
  s->opcode = IORING_OP_CLOSE;
  s->fd = fd;
  s->flags = IOSQE_CQE_SKIP_SUCCESS;
  s->user_data = tag(OP_CLOSE, NO_BUF, fd);
  conn_gen[fd]++;
}

static void on_cqe(const struct io_uring_cqe *c, int ls, int http) {
  int op = (int)(c->user_data >> 48) & 0xff, fd = (int)(uint32_t)c->user_data;
  int stale = (uint8_t)(c->user_data >> 56) != conn_gen[fd];
  unsigned bid = (unsigned)(c->user_data >> 32) & 0xffff;
  int more = (c->flags & IORING_CQE_F_MORE) != 0;
  if (op == OP_ACCEPT) {
    if (c->res >= MAX_FD) {
      close(c->res);
    } else if (c->res >= 0) {
      int one = 1;
      setsockopt(c->res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      http_state[c->res] = 0;
      arm_recv(c->res);
    }
    if (!more) arm_accept(ls);
    return;
  }
  if (op == OP_CLOSE) return; /* reported only when it failed: nothing to do */
  if (op == OP_SEND) {
    if (bid == NO_BUF) { /* an HTTP answer: reported only when it failed */
      if (!stale) shutdown(fd, SHUT_RDWR); /* its recv then ends the connection */
      return;
    }
    sends_in_flight--;
    if (!stale && c->res > 0 && (unsigned)c->res < send_len[bid]) { /* a short echo: send the rest */
      queue_send(fd, bufs + (size_t)bid * BUF_SIZE + send_off[bid] + (unsigned)c->res, send_len[bid] - (unsigned)c->res, bid);
      return;
    }
    recycle(bid);
    if (!stale && c->res < 0) shutdown(fd, SHUT_RDWR);
    return;
  }
  if (c->res > 0) { /* OP_RECV with data in a provided buffer */
    unsigned got_bid = c->flags >> IORING_CQE_BUFFER_SHIFT;
    char *data = bufs + (size_t)got_bid * BUF_SIZE;
    if (!http) {
      queue_send(fd, data, (unsigned)c->res, got_bid);
    } else {
      int r = count_requests(data, c->res, &http_state[fd]);
      recycle(got_bid);
      while (r-- > 0) queue_send(fd, RESPONSE, sizeof RESPONSE - 1, NO_BUF);
    }
    if (!more) arm_recv(fd); /* the kernel ended the multishot (e.g. its CQ was full): again */
    return;
  }
  if (c->res == -ENOBUFS) { /* every buffer is in flight: they come back as sends complete */
    if (!more) arm_recv(fd);
    return;
  }
  if (!more) queue_close(fd); /* end of stream or an error: the multishot recv is over */
}

/* Takes the next completion, waiting for it: its result, and its flags into *flags. */
static int next_cqe(unsigned *flags) {
  unsigned head = *ring.cq_head;
  while (head == __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE)) submit(1);
  int res = ring.cqes[head & ring.cq_mask].res;
  *flags = ring.cqes[head & ring.cq_mask].flags;
  __atomic_store_n(ring.cq_head, head + 1, __ATOMIC_RELEASE);
  return res;
}

/* Multishot recv (Linux 6.0) on a socketpair before serving: a kernel without it fails the recv
   with EINVAL, which would otherwise surface as connections closed for no reason. */
static void check_multishot_recv(void) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) die("socketpair");
  arm_recv(sv[0]);
  if (write(sv[1], "x", 1) != 1) die("write");
  unsigned flags;
  int res = next_cqe(&flags);
  if (res != 1 || !(flags & IORING_CQE_F_MORE)) unusable("multishot recv with provided buffers (Linux 6.0)", res < 0 ? -res : 0);
  recycle(flags >> IORING_CQE_BUFFER_SHIFT);
  close(sv[1]);
  do next_cqe(&flags); while (flags & IORING_CQE_F_MORE); /* the end of the stream ends the recv */
  close(sv[0]);
}

static void serve(int http) {
  int ls = listener();
  ring_init();
  bufring_init();
  check_multishot_recv();
  arm_accept(ls);
  printf("{\"port\": %d}\n", port_of(ls));
  fflush(stdout);
  for (;;) {
    submit(1); /* this batch's sends and re-arms, and the wait for the next completions: one syscall */
    unsigned head = *ring.cq_head, tail = __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE);
    for (; head != tail; head++) on_cqe(&ring.cqes[head & ring.cq_mask], ls, http);
    __atomic_store_n(ring.cq_head, head, __ATOMIC_RELEASE);
  }
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  const char *env = getenv("IOMUX_URING");
  if (env && strcmp(env, "0") == 0) unusable("IOMUX_URING=0 is set in the environment", 0);
  const char *w = opt(argc, argv, "workload", "echo");
  if (strcmp(w, "echo") == 0 || strcmp(w, "http") == 0) serve(strcmp(w, "http") == 0);
  fprintf(stderr, "c-uring serves echo and http only, not %s\n", w);
  return 2;
}
