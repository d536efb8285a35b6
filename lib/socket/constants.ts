// The socket module's OS constants, as the addon reports them for this platform. All are typed
// `number`; the few that exist only on some systems say so and are `undefined` elsewhere.
import { C } from '../native';

/** IPv4. */
export const AF_INET: number = C.AF_INET;
/** IPv6. */
export const AF_INET6: number = C.AF_INET6;
/** Unix-domain (local) sockets. */
export const AF_UNIX: number = C.AF_UNIX;
/** No family given. */
export const AF_UNSPEC: number = C.AF_UNSPEC;
/** A reliable byte stream (TCP for AF_INET/AF_INET6). */
export const SOCK_STREAM: number = C.SOCK_STREAM;
/** Datagrams (UDP for AF_INET/AF_INET6). */
export const SOCK_DGRAM: number = C.SOCK_DGRAM;
/** Raw network protocol access. */
export const SOCK_RAW: number = C.SOCK_RAW;
/** Reliable, ordered datagrams with message boundaries. */
export const SOCK_SEQPACKET: number = C.SOCK_SEQPACKET;
/** OR-ed into a type: the socket is created non-blocking (Linux and BSDs; undefined on macOS). */
export const SOCK_NONBLOCK: number = C.SOCK_NONBLOCK;
/** OR-ed into a type: close-on-exec (always applied by iomux anyway; undefined on macOS). */
export const SOCK_CLOEXEC: number = C.SOCK_CLOEXEC;
/** The socket-level option level for `setsockopt`/`getsockopt`. */
export const SOL_SOCKET: number = C.SOL_SOCKET;
/** Allow reuse of a local address in TIME_WAIT. */
export const SO_REUSEADDR: number = C.SO_REUSEADDR;
/** Allow several sockets to bind one port (undefined where the OS has none). */
export const SO_REUSEPORT: number = C.SO_REUSEPORT;
/** TCP keep-alive probes. */
export const SO_KEEPALIVE: number = C.SO_KEEPALIVE;
/** Permit sending broadcast datagrams. */
export const SO_BROADCAST: number = C.SO_BROADCAST;
/** Linger on close (a `struct linger`, set and read as bytes). */
export const SO_LINGER: number = C.SO_LINGER;
/** Receive buffer size. */
export const SO_RCVBUF: number = C.SO_RCVBUF;
/** Send buffer size. */
export const SO_SNDBUF: number = C.SO_SNDBUF;
/** Minimum bytes for a read to be ready. */
export const SO_RCVLOWAT: number = C.SO_RCVLOWAT;
/** Minimum buffer space for a write to be ready. */
export const SO_SNDLOWAT: number = C.SO_SNDLOWAT;
/** Receive timeout (a `struct timeval`, as bytes). */
export const SO_RCVTIMEO: number = C.SO_RCVTIMEO;
/** Send timeout (a `struct timeval`, as bytes). */
export const SO_SNDTIMEO: number = C.SO_SNDTIMEO;
/** The pending error (read and cleared): a non-blocking connect's outcome. */
export const SO_ERROR: number = C.SO_ERROR;
/** The socket type. */
export const SO_TYPE: number = C.SO_TYPE;
/** 1 if the socket is listening. */
export const SO_ACCEPTCONN: number = C.SO_ACCEPTCONN;
/** Out-of-band data inline. */
export const SO_OOBINLINE: number = C.SO_OOBINLINE;
/** Bypass routing. */
export const SO_DONTROUTE: number = C.SO_DONTROUTE;
/** The socket's family. Linux only: `undefined` elsewhere. */
export const SO_DOMAIN: number = C.SO_DOMAIN;
/** The socket's protocol. Linux only: `undefined` elsewhere. */
export const SO_PROTOCOL: number = C.SO_PROTOCOL;
/** IP protocol level. */
export const IPPROTO_IP: number = C.IPPROTO_IP;
/** TCP protocol level. */
export const IPPROTO_TCP: number = C.IPPROTO_TCP;
/** UDP protocol level. */
export const IPPROTO_UDP: number = C.IPPROTO_UDP;
/** IPv6 protocol level. */
export const IPPROTO_IPV6: number = C.IPPROTO_IPV6;
/** ICMP. */
export const IPPROTO_ICMP: number = C.IPPROTO_ICMP;
/** Raw IP. */
export const IPPROTO_RAW: number = C.IPPROTO_RAW;
/** Disable Nagle's algorithm. */
export const TCP_NODELAY: number = C.TCP_NODELAY;
/** Idle time before keep-alive probes. Linux and BSDs: `undefined` elsewhere (macOS names it TCP_KEEPALIVE). */
export const TCP_KEEPIDLE: number = C.TCP_KEEPIDLE;
/** Interval between keep-alive probes. `undefined` where the OS lacks it. */
export const TCP_KEEPINTVL: number = C.TCP_KEEPINTVL;
/** Keep-alive probes before the connection drops. `undefined` where the OS lacks it. */
export const TCP_KEEPCNT: number = C.TCP_KEEPCNT;
/** Restrict an AF_INET6 socket to IPv6 only. */
export const IPV6_V6ONLY: number = C.IPV6_V6ONLY;
/** `shutdown`: no more receptions. */
export const SHUT_RD: number = C.SHUT_RD;
/** `shutdown`: no more transmissions (the peer reads end of file). */
export const SHUT_WR: number = C.SHUT_WR;
/** `shutdown`: both. */
export const SHUT_RDWR: number = C.SHUT_RDWR;
/** Read without removing the data from the queue. */
export const MSG_PEEK: number = C.MSG_PEEK;
/** Out-of-band data. */
export const MSG_OOB: number = C.MSG_OOB;
/** Wait for the full amount. */
export const MSG_WAITALL: number = C.MSG_WAITALL;
/** This one call does not block, whatever the socket's mode. */
export const MSG_DONTWAIT: number = C.MSG_DONTWAIT;
/** Report the real length of a truncated datagram. */
export const MSG_TRUNC: number = C.MSG_TRUNC;
/** Control data was truncated. */
export const MSG_CTRUNC: number = C.MSG_CTRUNC;
/** End of record. */
export const MSG_EOR: number = C.MSG_EOR;
/** No SIGPIPE (iomux adds it to every send anyway). Linux and BSDs: `undefined` on macOS. */
export const MSG_NOSIGNAL: number = C.MSG_NOSIGNAL;
/** The largest `listen` backlog the OS advertises. */
export const SOMAXCONN: number = C.SOMAXCONN;

const SOCKET_CONSTANT = /^(AF_|SOCK_|SOL_|SO_|SCM_|IPPROTO_|TCP_|IP_|IPV6_|SHUT_|MSG_|SOMAXCONN$)/;

/** Every socket constant this platform defines, by its OS name (including ones not exported above). */
export const constants: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(Object.entries(C).filter(([name]) => SOCKET_CONSTANT.test(name))),
);
