/**
 * iomux: the operating system's readiness APIs (select, poll, epoll, kqueue) and non-blocking
 * sockets for Node.js, with the API of Python's `selectors`, `select`, `socket` and `os` modules.
 * @packageDocumentation
 */
export * from './selectors';
export * as select from './select';
export * as socket from './socket';
export * as os from './os';
export * as uring from './uring';
export * as errno from './errno';
export { EventLoop } from './loop';
export { ProactorEventLoop } from './proactor';
export type { IOCallback } from './loop';
export type { TimerHandle } from './timer-queue';
export { BaseEventLoop } from './loop/base-loop';
export { Handle } from './loop/handle';
export type { ExceptionContext, ExceptionHandler } from './loop/exceptions';
export type { SockOptions } from './loop/sock-ops';
export type { SendfileOptions } from './loop/sendfile';
export type { SystemError } from './errors';
export { BaseProtocol, Protocol, BufferedProtocol } from './transports/protocols';
export type { ProtocolLike, ProtocolFactory } from './transports/protocols';
export { Transport } from './transports/transport';
export { SelectorSocketTransport } from './transports/selector-transport';
export { ProactorSocketTransport } from './transports/proactor-transport';
export { Server } from './transports/server';
export type { CreateServerOptions, CreateConnectionOptions } from './transports/create';
