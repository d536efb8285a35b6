/**
 * `iomux/socket`: Python's `socket` module, non-blocking first. Every socket is close-on-exec and
 * a write to a closed peer is `EPIPE`, never SIGPIPE. Hosts are numeric (plus `''` and
 * `'localhost'`): iomux resolves no names.
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
