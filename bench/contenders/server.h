/* What both C contenders (c.c and c-uring.c) share: the key=value arguments, the loopback
   listener, the HTTP request counting and the one HTTP answer every hand-written server sends. */
#ifndef IOMUX_BENCH_SERVER_H
#define IOMUX_BENCH_SERVER_H
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The value of argument key=value, or dflt when it is not given. */
static const char *opt(int argc, char **argv, const char *key, const char *dflt) {
  size_t k = strlen(key);
  for (int i = 1; i < argc; i++)
    if (strncmp(argv[i], key, k) == 0 && argv[i][k] == '=') return argv[i] + k + 1;
  return dflt;
}

static void die(const char *what) { perror(what); exit(1); }

/* A listening TCP socket on 127.0.0.1, on a port the kernel picks (port_of tells which). */
static int listener(void) {
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) die("bind/listen");
  return ls;
}

static int port_of(int fd) {
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  return ntohs(a.sin_port);
}

/* Counts "\r\n\r\n" across reads; *state is how much of it the previous read ended with. */
static int count_requests(const char *b, ssize_t n, int *state) {
  static const char term[] = "\r\n\r\n";
  int s = *state, found = 0;
  for (ssize_t i = 0; i < n; i++) {
    if (b[i] == term[s]) s++;
    else s = b[i] == '\r' ? 1 : 0;
    if (s == 4) { found++; s = 0; }
  }
  *state = s;
  return found;
}

/* The HTTP answer of every hand-written server (C, iomux, Python): the headers node:http sends. */
static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: keep-alive\r\n"
    "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\nhello";

#endif
