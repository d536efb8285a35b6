/* What both C load generators share: the connections (loopback TCP, TCP_NODELAY, an abortive
   close, non-blocking, on one epoll), the measured window (warmup, then duration), round-trip
   latency into a 100 ns histogram, and the server's CPU time from /proc/PID/stat (utime + stime)
   at the start and end of the window. Each client keeps only what it sends and how it reads. */
#ifndef IOMUX_BENCH_CLIENT_H
#define IOMUX_BENCH_CLIENT_H
#define _GNU_SOURCE
#include <dirent.h>
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

#define BUCKET_NS 100
#define BUCKETS 1000000 /* 100 ms */

static uint32_t hist[BUCKETS + 1];

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The server's CPU time in seconds: the sum of its threads' run time in nanoseconds
   (/proc/PID/task/TID/schedstat), or where that is missing utime + stime from /proc/PID/stat,
   which count whole clock ticks (10 ms: up to ±12% of a 0.2 s window at 40% of a core). */
static double cpu_of(int pid) {
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/task", pid);
  DIR *d = opendir(path);
  if (d) {
    double ns = 0;
    int seen = 0;
    for (struct dirent *e; (e = readdir(d));) {
      if (e->d_name[0] == '.') continue;
      snprintf(path, sizeof path, "/proc/%d/task/%.16s/schedstat", pid, e->d_name);
      FILE *f = fopen(path, "r");
      unsigned long long run = 0;
      if (f && fscanf(f, "%llu", &run) == 1) {
        ns += (double)run;
        seen++;
      }
      if (f) fclose(f);
    }
    closedir(d);
    if (seen > 0) return ns / 1e9;
  }
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

/* Opens n connections to 127.0.0.1:port into fds[], each on the returned epoll with its index as
   data.u32. A refused connection ends the program. */
static int open_conns(int port, int n, int *fds) {
  int ep = epoll_create1(EPOLL_CLOEXEC), one = 1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons(port)};
  for (int i = 0; i < n; i++) {
    fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(fds[i], (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); exit(1); }
    setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct linger lg = {1, 0};
    setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    fcntl(fds[i], F_SETFL, O_NONBLOCK);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }
  return ep;
}

/* The measured window: round trips before measure_from are warmup and not counted. */
typedef struct {
  int pid, measuring;
  double measure_from, end, cpu0, t0;
  uint64_t count;
} window;

static window window_new(int pid, double warmup, double duration) {
  double start = now_s();
  window w = {.pid = pid, .measure_from = start + warmup, .end = start + warmup + duration};
  return w;
}

/* Called before each wait: opens the window when warmup is over; 0 once it has ended. */
static int window_running(window *w) {
  double t = now_s();
  if (!w->measuring && t >= w->measure_from) {
    w->measuring = 1;
    w->cpu0 = cpu_of(w->pid);
    w->t0 = now_s();
  }
  return t < w->end;
}

/* One round trip sent at sent_at has ended; returns now, when the next one is sent. */
static double window_record(window *w, double sent_at) {
  double now = now_s();
  if (w->measuring) {
    uint64_t b = (uint64_t)((now - sent_at) * 1e9 / BUCKET_NS);
    hist[b > BUCKETS ? BUCKETS : b]++;
    w->count++;
  }
  return now;
}

/* Prints the one JSON line; `counted` names the round trips (roundTrips, requests). */
static void window_print(window *w, const char *counted) {
  double secs = now_s() - w->t0, cpu = cpu_of(w->pid) - w->cpu0;
  printf("{\"%s\": %llu, \"seconds\": %.4f, \"rate\": %.1f, \"p50Us\": %.2f, \"p99Us\": %.2f, \"serverCpuS\": %.3f}\n",
         counted, (unsigned long long)w->count, secs, w->count / secs, pct(w->count, 0.5), pct(w->count, 0.99), cpu);
}
#endif
