/**
 * `iomux/socket`: Python's `socket` module, non-blocking first. Every socket is close-on-exec and
 * a write to a closed peer is `EPIPE`, never SIGPIPE. Host names are resolved as Python does
 * (getaddrinfo, blocking); the loops resolve off the thread.
 * @packageDocumentation
 */
export * from './socket/constants';
export type { Address, InetAddress } from './socket/address';
export { Socket } from './socket/socket';
export { CMSG_LEN, CMSG_SPACE, SCM_RIGHTS, MSG_CMSG_CLOEXEC } from './socket/msg';
export type { AncillaryItem, AncillaryInput, RecvmsgResult, RecvmsgIntoResult } from './socket/msg';
export { sendFds, recvFds } from './socket/fds';
export { socket, socketpair, createServer, createConnection } from './socket/create';
export type { CreateServerOptions } from './socket/create';
export { dup } from './socket/dup';
export { getdefaulttimeout, setdefaulttimeout } from './socket/timeout-mode';
export {
  getaddrinfo, getnameinfo, gethostname,
  AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST, AI_NUMERICSERV, AI_ADDRCONFIG, AI_V4MAPPED, AI_ALL,
  NI_NUMERICHOST, NI_NUMERICSERV, NI_NOFQDN, NI_NAMEREQD, NI_DGRAM, NI_MAXHOST, NI_MAXSERV,
  EAI_ADDRFAMILY, EAI_AGAIN, EAI_BADFLAGS, EAI_FAIL, EAI_FAMILY, EAI_MEMORY, EAI_NODATA, EAI_NONAME,
  EAI_OVERFLOW, EAI_SERVICE, EAI_SOCKTYPE, EAI_SYSTEM,
} from './socket/resolve';
export type { AddrInfo, GetaddrinfoOptions } from './socket/resolve';
