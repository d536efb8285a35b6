/* The loop of bench/selector-scaling.js in C: n socketpairs on one epoll, one active chain
   of `hops` hops per round. Prints {"n", "hops", "usPerRound"} (median of `rounds`). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int n = atoi(argv[1]), hops = atoi(argv[2]), rounds = atoi(argv[3]);
  int (*pairs)[2] = malloc(sizeof(int[2]) * n);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event *evs = malloc(sizeof(struct epoll_event) * n);
  for (int i = 0; i < n; i++) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pairs[i]) < 0) { perror("socketpair"); return 1; }
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (unsigned)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, pairs[i][0], &ev);
  }
  double *times = malloc(sizeof(double) * rounds);
  char buf[16];
  for (int r = -5; r < rounds; r++) {
    double t0 = now_us();
    int writes = hops - 1, fired = 0;
    if (write(pairs[0][1], "e", 1) != 1) return 1;
    while (fired < hops) {
      int k = epoll_wait(ep, evs, n, -1);
      for (int j = 0; j < k; j++) {
        int i = (int)evs[j].data.u32;
        if (read(pairs[i][0], buf, sizeof buf) < 0) return 1;
        fired++;
        if (writes > 0) {
          if (write(pairs[(i + 1) % n][1], "e", 1) != 1) return 1;
          writes--;
        }
      }
    }
    if (r >= 0) times[r] = now_us() - t0;
  }
  qsort(times, rounds, sizeof(double), cmp);
  printf("{\"n\": %d, \"hops\": %d, \"usPerRound\": %f}\n", n, hops, times[rounds / 2]);
  return 0;
}
