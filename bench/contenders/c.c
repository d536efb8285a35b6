/* The C anchor: the same loops as the other contenders, written directly on the syscalls.
   Usage: c workload=chain|tcpchain|echo|http backend=epoll|poll|select [n= active= writes= mintime=] [mt=1]
   chain/tcpchain print one JSON line of results; echo/http print {"port": P} and serve until killed.
   mt=1 (the -mt contenders) starts one extra thread that stays blocked forever: the process is then
   multi-threaded, as a Node process always is, and the kernel takes the atomic path for every fd
   lookup (fdget's reference count) — what threads cost, apart from what iomux costs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "server.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A poller over slots 0..cap-1, each slot one fd watched for reading. */
enum { EPOLL, POLL, SELECT };
typedef struct {
  int kind, cap, count, ep, maxfd;
  int *fds, *ready;
  struct epoll_event *evs;
  struct pollfd *pfds;
  fd_set master, rset;
} poller;

static void p_init(poller *p, int kind, int cap) {
  memset(p, 0, sizeof *p);
  p->kind = kind;
  p->cap = cap;
  p->fds = calloc(cap, sizeof(int));
  p->ready = calloc(cap, sizeof(int));
  if (kind == EPOLL) {
    p->ep = epoll_create1(EPOLL_CLOEXEC);
    p->evs = calloc(cap, sizeof(struct epoll_event));
  } else if (kind == POLL) {
    p->pfds = calloc(cap, sizeof(struct pollfd));
  } else {
    FD_ZERO(&p->master);
  }
}

static void p_add(poller *p, int slot, int fd) {
  p->fds[slot] = fd;
  if (p->kind == EPOLL) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)slot};
    if (epoll_ctl(p->ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
  } else if (p->kind == POLL) {
    p->pfds[slot].fd = fd;
    p->pfds[slot].events = POLLIN;
  } else {
    if (fd >= FD_SETSIZE) { fprintf(stderr, "fd %d >= FD_SETSIZE\n", fd); exit(2); }
    FD_SET(fd, &p->master);
    if (fd > p->maxfd) p->maxfd = fd;
  }
  if (slot >= p->count) p->count = slot + 1;
}

/* Waits; writes the ready slots to p->ready and returns how many. */
static int p_wait(poller *p) {
  int n = 0;
  if (p->kind == EPOLL) {
    int k = epoll_wait(p->ep, p->evs, p->cap, -1);
    if (k < 0) { if (errno == EINTR) return 0; die("epoll_wait"); }
    for (int j = 0; j < k; j++) p->ready[n++] = (int)p->evs[j].data.u32;
  } else if (p->kind == POLL) {
    int k = poll(p->pfds, p->count, -1);
    if (k < 0) { if (errno == EINTR) return 0; die("poll"); }
    for (int s = 0; s < p->count && n < k; s++)
      if (p->pfds[s].revents) p->ready[n++] = s;
  } else {
    p->rset = p->master;
    int k = select(p->maxfd + 1, &p->rset, NULL, NULL, NULL);
    if (k < 0) { if (errno == EINTR) return 0; die("select"); }
    for (int s = 0; s < p->count && n < k; s++)
      if (FD_ISSET(p->fds[s], &p->rset)) p->ready[n++] = s;
  }
  return n;
}

static int kind_of(const char *b) {
  return strcmp(b, "poll") == 0 ? POLL : strcmp(b, "select") == 0 ? SELECT : EPOLL;
}

static void tcp_pair(int ls, int sv[2]) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(port_of(ls))};
  int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
  int s = accept4(ls, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (s < 0) die("accept");
  setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct linger lg = {1, 0}; /* close with RST: no TIME_WAIT pile-up across trials */
  setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  if (fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK) < 0) die("fcntl");
  sv[0] = s; /* read end */
  sv[1] = c; /* write end */
}

/* Moves every write end above the read ends, so that N read ends fit below FD_SETSIZE where
   N + the process's own fds allows it (select at N=1000): the same layout in every contender. */
static void compact(int (*pairs)[2], int n) {
  if (n > 5000) return; /* needs 3N fds for a moment; select cannot use N > 1000 anyway */
  int *old = malloc(sizeof(int) * n);
  for (int i = 0; i < n; i++) { /* all dups first: closing as we go would refill the holes */
    old[i] = pairs[i][1];
    if ((pairs[i][1] = dup(old[i])) < 0) die("dup");
  }
  for (int i = 0; i < n; i++) close(old[i]);
  free(old);
  for (int i = n - 1; i >= 0; i--) {
    int r = dup(pairs[i][0]);
    if (r < 0) die("dup");
    if (r > pairs[i][0]) { close(r); break; }
    close(pairs[i][0]);
    pairs[i][0] = r;
  }
}

/* libevent's chained pipes (test/bench.c): see bench/README.md for the rule every contender follows. */
static int chain(int argc, char **argv, int tcp) {
  int n = atoi(opt(argc, argv, "n", "100")), active = atoi(opt(argc, argv, "active", "1"));
  int nwrites = atoi(opt(argc, argv, "writes", "1000"));
  double mintime = atof(opt(argc, argv, "mintime", "0.05"));
  int (*pairs)[2] = malloc(sizeof(int[2]) * n);
  poller p;
  double t0 = now_s();
  int ls = tcp ? listener() : -1;
  p_init(&p, kind_of(opt(argc, argv, "backend", "epoll")), n);
  for (int i = 0; i < n; i++) {
    if (tcp) tcp_pair(ls, pairs[i]);
    else if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pairs[i]) < 0) die("socketpair");
  }
  compact(pairs, n);
  for (int i = 0; i < n; i++) p_add(&p, i, pairs[i][0]);
  double setup = now_s() - t0;
  char buf[64];
  memset(buf, 'e', sizeof buf);
  long hops = 0, events = 0, spurious = 0, wakes = 0, rounds = 0;
  double loop = 0;
  int space = n / active;
  for (int warm = 1; warm >= 0; warm--) {
    double started = now_s();
    long r = 0;
    for (; r < 1 || now_s() - started < mintime; r++) { /* warm-up as long as the window, as every contender */
      long count = 0, writes = nwrites, fired = active + nwrites, ev = 0, sp = 0, wk = 0;
      double a = now_s();
      for (int i = 0; i < active; i++)
        if (send(pairs[i * space][1], "e", 1, 0) != 1) die("send");
      while (count < fired) {
        int k = p_wait(&p);
        wk++;
        for (int j = 0; j < k; j++) {
          int i = p.ready[j];
          ssize_t got = recv(pairs[i][0], buf, sizeof buf, 0);
          ev++;
          if (got <= 0) {
            if (got < 0 && errno != EAGAIN) die("recv");
            sp++;
            continue;
          }
          count += got;
          long fwd = got < writes ? got : writes;
          if (fwd > 0) {
            if (send(pairs[(i + 1) % n][1], buf, fwd, 0) != fwd) die("send");
            writes -= fwd;
          }
        }
      }
      if (!warm) {
        loop += now_s() - a;
        hops += fired;
        events += ev;
        spurious += sp;
        wakes += wk;
      }
    }
    if (!warm) rounds = r;
  }
  printf("{\"setupMs\": %.3f, \"loopMs\": %.3f, \"rounds\": %ld, \"hops\": %ld, \"events\": %ld, \"spurious\": %ld, \"wakes\": %ld, \"nsPerHop\": %.2f}\n",
         setup * 1e3, loop * 1e3, rounds, hops, events, spurious, wakes, loop * 1e9 / hops);
  return 0;
}

/* Echo and HTTP servers: epoll (the anchor), one accept loop, read and answer. */
static int serve(int http) {
  int ls = listener(), one = 1;
  fcntl(ls, F_SETFL, fcntl(ls, F_GETFL) | O_NONBLOCK);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls}, evs[256];
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  static int state[65536];
  char buf[16384];
  printf("{\"port\": %d}\n", port_of(ls));
  fflush(stdout);
  for (;;) {
    int k = epoll_wait(ep, evs, 256, -1);
    if (k < 0 && errno != EINTR) die("epoll_wait");
    for (int j = 0; j < k; j++) {
      int fd = evs[j].data.fd;
      if (fd == ls) {
        int c;
        while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          state[c] = 0;
          struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
        }
        continue;
      }
      ssize_t got = recv(fd, buf, sizeof buf, 0);
      if (got < 0 && errno == EAGAIN) continue;
      if (got <= 0) { close(fd); continue; }
      if (!http) {
        if (send(fd, buf, got, 0) != got) close(fd);
        continue;
      }
      for (int r = count_requests(buf, got, &state[fd]); r > 0; r--)
        if (send(fd, RESPONSE, sizeof RESPONSE - 1, 0) != (ssize_t)sizeof RESPONSE - 1) { close(fd); break; }
    }
  }
  return 0;
}

/* The idle thread of mt=1: blocked in pause() for the life of the process. */
static void *idle_thread(void *arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (strcmp(opt(argc, argv, "mt", "0"), "1") == 0) {
    pthread_t t;
    if (pthread_create(&t, NULL, idle_thread, NULL) != 0) die("pthread_create");
  }
  const char *w = opt(argc, argv, "workload", "chain");
  if (strcmp(w, "chain") == 0) return chain(argc, argv, 0);
  if (strcmp(w, "tcpchain") == 0) return chain(argc, argv, 1);
  if (strcmp(w, "echo") == 0) return serve(0);
  if (strcmp(w, "http") == 0) return serve(1);
  fprintf(stderr, "unknown workload %s\n", w);
  return 2;
}
