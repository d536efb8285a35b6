/* The echo load generator (never JavaScript): `conns` connections, each a ping-pong of 64-byte
   messages; round-trip latency into a 100 ns histogram; the server's CPU time (its threads'
   run time, client.h's cpu_of) read at the start and end of the measured window.
   Usage: echo-client port conns warmup_s duration_s server_pid
   Prints one JSON line: roundTrips, seconds, rate, p50Us, p99Us, serverCpuS. */
#include "client.h"

#define MSG 64

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: echo-client port conns warmup_s duration_s server_pid\n"); return 2; }
  int port = atoi(argv[1]), conns = atoi(argv[2]), pid = atoi(argv[5]);
  double warmup = atof(argv[3]), duration = atof(argv[4]);
  int *fds = calloc(conns, sizeof(int)), *got = calloc(conns, sizeof(int));
  double *sent_at = calloc(conns, sizeof(double));
  char msg[MSG], buf[MSG];
  memset(msg, 'x', sizeof msg);
  int ep = open_conns(port, conns, fds);
  struct epoll_event evs[256];
  window w = window_new(pid, warmup, duration);
  for (int i = 0; i < conns; i++) {
    sent_at[i] = now_s();
    if (send(fds[i], msg, MSG, 0) != MSG) { perror("send"); return 1; }
  }
  while (window_running(&w)) {
    int k = epoll_wait(ep, evs, 256, 100);
    for (int j = 0; j < k; j++) {
      int i = (int)evs[j].data.u32;
      ssize_t r = recv(fds[i], buf, MSG - got[i], 0);
      if (r < 0 && errno == EAGAIN) continue;
      if (r <= 0) { fprintf(stderr, "connection %d closed by the server\n", i); return 1; }
      got[i] += (int)r;
      if (got[i] < MSG) continue;
      got[i] = 0;
      sent_at[i] = window_record(&w, sent_at[i]);
      if (send(fds[i], msg, MSG, 0) != MSG) { perror("send"); return 1; }
    }
  }
  window_print(&w, "roundTrips");
  return 0;
}
