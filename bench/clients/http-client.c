/* The HTTP/1.1 keep-alive load generator used when wrk is not installed (or for trials shorter than
   wrk's one second): `conns` connections, each sending `GET / HTTP/1.1` and waiting for the whole
   answer before the next (no pipelining, as wrk without a script). An answer ends after its
   Content-Length or its last chunk (Transfer-Encoding: chunked); a server that closes a connection
   or answers without either is an error. Latency into a 100 ns histogram; the server's CPU time (its threads'
   run time, client.h's cpu_of) at the start and end of the measured window, as echo-client does.
   Usage: http-client port conns warmup_s duration_s server_pid
   Prints one JSON line: requests, seconds, rate, p50Us, p99Us, serverCpuS. */
#include "client.h"

#include <strings.h>

#define HEAD_MAX 8192

static const char REQUEST[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: iomux-bench\r\nAccept: */*\r\n\r\n";

/* Where one connection is in the answer it reads. */
enum { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, TRAILER };
typedef struct {
  int fd, state, head_len, line_len;
  long long left; /* body or chunk bytes still to come (chunk data counts its CRLF) */
  char head[HEAD_MAX], line[64];
  double sent_at;
} conn;

static void fail(const char *what) {
  fprintf(stderr, "http-client: %s\n", what);
  exit(1);
}

/* The head is complete: how does the body end? Sets c->state and c->left. */
static void end_of_head(conn *c) {
  c->head[c->head_len < HEAD_MAX ? c->head_len : HEAD_MAX - 1] = 0;
  if (strncmp(c->head, "HTTP/1.", 7) != 0) fail("the server's answer is not HTTP/1.x");
  for (char *l = strstr(c->head, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
    char *h = l + 2;
    if (strncasecmp(h, "content-length:", 15) == 0) {
      c->left = atoll(h + 15);
      c->state = c->left > 0 ? BODY : -1;
      return;
    }
    if (strncasecmp(h, "transfer-encoding:", 18) == 0 && strcasestr(h, "chunked") && strcasestr(h, "chunked") < strstr(h, "\r\n")) {
      c->state = CHUNK_SIZE;
      c->line_len = 0;
      return;
    }
  }
  fail("an answer has neither Content-Length nor chunked encoding: the load generator needs keep-alive");
}

/* Feeds n bytes of the answer; returns how many answers ended (0 or 1: one request is in flight). */
static int feed(conn *c, const char *p, ssize_t n) {
  int ended = 0;
  for (ssize_t i = 0; i < n;) {
    switch (c->state) {
      case HEAD: {
        char ch = p[i++];
        if (c->head_len < HEAD_MAX - 1) c->head[c->head_len] = ch;
        c->head_len++;
        int k = c->head_len < HEAD_MAX - 1 ? c->head_len : HEAD_MAX - 1;
        if (k >= 4 && memcmp(c->head + k - 4, "\r\n\r\n", 4) == 0) end_of_head(c);
        break;
      }
      case BODY:
      case CHUNK_DATA: {
        long long take = n - i < c->left ? n - i : c->left;
        i += take;
        c->left -= take;
        if (c->left == 0) c->state = c->state == BODY ? -1 : CHUNK_SIZE;
        break;
      }
      case CHUNK_SIZE:
      case TRAILER: {
        char ch = p[i++];
        if (c->line_len < (int)sizeof c->line - 1) c->line[c->line_len++] = ch;
        if (ch != '\n') break;
        c->line[c->line_len] = 0;
        int empty = c->line_len <= 2;
        c->line_len = 0;
        if (c->state == TRAILER) {
          if (empty) c->state = -1;
          break;
        }
        long long size = strtoll(c->line, NULL, 16);
        if (size == 0) c->state = TRAILER;
        else {
          c->state = CHUNK_DATA;
          c->left = size + 2;
        }
        break;
      }
    }
    if (c->state == -1) {
      if (i != n) fail("the server answered more than once to one request");
      c->state = HEAD;
      c->head_len = 0;
      ended = 1;
    }
  }
  return ended;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: http-client port conns warmup_s duration_s server_pid\n"); return 2; }
  int port = atoi(argv[1]), nconns = atoi(argv[2]), pid = atoi(argv[5]);
  double warmup = atof(argv[3]), duration = atof(argv[4]);
  conn *conns = calloc(nconns, sizeof(conn));
  int *fds = calloc(nconns, sizeof(int));
  static char buf[65536];
  int ep = open_conns(port, nconns, fds);
  for (int i = 0; i < nconns; i++) conns[i].fd = fds[i];
  struct epoll_event evs[256];
  window w = window_new(pid, warmup, duration);
  for (int i = 0; i < nconns; i++) {
    conns[i].sent_at = now_s();
    if (send(conns[i].fd, REQUEST, sizeof REQUEST - 1, 0) != (ssize_t)(sizeof REQUEST - 1)) { perror("send"); return 1; }
  }
  while (window_running(&w)) {
    int k = epoll_wait(ep, evs, 256, 100);
    for (int j = 0; j < k; j++) {
      conn *c = &conns[evs[j].data.u32];
      ssize_t r = recv(c->fd, buf, sizeof buf, 0);
      if (r < 0 && errno == EAGAIN) continue;
      if (r <= 0) fail("the server closed a connection: the load generator needs keep-alive");
      if (!feed(c, buf, r)) continue;
      c->sent_at = window_record(&w, c->sent_at);
      if (send(c->fd, REQUEST, sizeof REQUEST - 1, 0) != (ssize_t)(sizeof REQUEST - 1)) { perror("send"); return 1; }
    }
  }
  window_print(&w, "requests");
  return 0;
}
