/* The echo load generator (never JavaScript): `conns` connections, each a ping-pong of 64-byte
   messages; round-trip latency into a 100 ns histogram; the server's CPU time read from
   /proc/PID/stat (utime + stime) at the start and end of the measured window.
   Usage: echo-client port conns warmup_s duration_s server_pid
   Prints one JSON line: roundTrips, seconds, rate, p50Us, p99Us, serverCpuS. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG 64
#define BUCKET_NS 100
#define BUCKETS 1000000 /* 100 ms */

static uint32_t hist[BUCKETS + 1];

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_of(int pid) {
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')'); /* the command name may hold spaces */
  unsigned long utime = 0, stime = 0;
  /* after ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
  sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime);
  return (double)(utime + stime) / sysconf(_SC_CLK_TCK);
}

static double pct(uint64_t total, double q) {
  uint64_t want = (uint64_t)(total * q), seen = 0;
  for (int i = 0; i <= BUCKETS; i++) {
    seen += hist[i];
    if (seen > want) return (i + 0.5) * BUCKET_NS / 1e3;
  }
  return BUCKETS * BUCKET_NS / 1e3;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: echo-client port conns warmup_s duration_s server_pid\n"); return 2; }
  int port = atoi(argv[1]), conns = atoi(argv[2]), pid = atoi(argv[5]);
  double warmup = atof(argv[3]), duration = atof(argv[4]);
  int ep = epoll_create1(EPOLL_CLOEXEC), one = 1;
  int *fds = calloc(conns, sizeof(int)), *got = calloc(conns, sizeof(int));
  double *sent_at = calloc(conns, sizeof(double));
  char msg[MSG], buf[MSG];
  memset(msg, 'x', sizeof msg);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(port)};
  for (int i = 0; i < conns; i++) {
    fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(fds[i], (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
    setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct linger lg = {1, 0};
    setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    fcntl(fds[i], F_SETFL, O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }
  struct epoll_event evs[256];
  double start = now_s(), measure_from = start + warmup, end = measure_from + duration;
  double cpu0 = 0, t0 = 0;
  int measuring = 0;
  uint64_t count = 0;
  for (int i = 0; i < conns; i++) {
    sent_at[i] = now_s();
    if (send(fds[i], msg, MSG, 0) != MSG) { perror("send"); return 1; }
  }
  for (;;) {
    double t = now_s();
    if (!measuring && t >= measure_from) {
      measuring = 1;
      cpu0 = cpu_of(pid);
      t0 = now_s();
    }
    if (t >= end) break;
    int k = epoll_wait(ep, evs, 256, 100);
    for (int j = 0; j < k; j++) {
      int i = (int)evs[j].data.u32;
      ssize_t r = recv(fds[i], buf, MSG - got[i], 0);
      if (r < 0 && errno == EAGAIN) continue;
      if (r <= 0) { fprintf(stderr, "connection %d closed by the server\n", i); return 1; }
      got[i] += (int)r;
      if (got[i] < MSG) continue;
      got[i] = 0;
      double now = now_s();
      if (measuring) {
        uint64_t b = (uint64_t)((now - sent_at[i]) * 1e9 / BUCKET_NS);
        hist[b > BUCKETS ? BUCKETS : b]++;
        count++;
      }
      sent_at[i] = now;
      if (send(fds[i], msg, MSG, 0) != MSG) { perror("send"); return 1; }
    }
  }
  double secs = now_s() - t0, cpu = cpu_of(pid) - cpu0;
  printf("{\"roundTrips\": %llu, \"seconds\": %.4f, \"rate\": %.1f, \"p50Us\": %.2f, \"p99Us\": %.2f, \"serverCpuS\": %.3f}\n",
         (unsigned long long)count, secs, count / secs, pct(count, 0.5), pct(count, 0.99), cpu);
  return 0;
}
