// asyncio's exception-handler policy: what a failing callback reports, how the default handler
// logs it, and how a failing custom handler is itself reported. Shared by every loop class.
import { inspect } from 'node:util';
import type { Handle } from './handle';

/**
 * What `callExceptionHandler` receives (asyncio's context dict): `message` always; `exception`
 * when an error was thrown; `handle` for a failing callback; more keys may be added.
 */
export interface ExceptionContext {
  /** What went wrong, for people. */
  message?: string;
  /** The thrown value, when there is one. */
  exception?: unknown;
  /** The handle whose callback threw. */
  handle?: Handle;
  /** Any further detail (`socket`, `context`, …). */
  [key: string]: unknown;
}

/** A custom exception handler: called with the loop and the context (asyncio's `handler(loop, context)`). */
export type ExceptionHandler<L = unknown> = (loop: L, context: ExceptionContext) => void;

function formatValue(value: unknown): string {
  return inspect(value, { depth: 1, breakLength: Infinity });
}

function formatException(exception: unknown): string {
  if (exception instanceof Error && typeof exception.stack === 'string') return exception.stack;
  return `Uncaught ${formatValue(exception)}`;
}

/**
 * asyncio's `default_exception_handler`: one `console.error` with the message (or
 * "Unhandled exception in event loop"), then `key: value` for every other key but `exception`
 * in sorted order, then the exception's stack.
 */
export function defaultExceptionHandler(context: ExceptionContext): void {
  const lines = [context.message || 'Unhandled exception in event loop'];
  for (const key of Object.keys(context).sort()) {
    if (key === 'message' || key === 'exception') continue;
    lines.push(`${key}: ${formatValue(context[key])}`);
  }
  if (context.exception !== undefined) lines.push(formatException(context.exception));
  console.error(lines.join('\n'));
}

/**
 * asyncio's `call_exception_handler`: the custom handler if set, else the default; an error the
 * custom handler throws is logged by the default handler (message "Unhandled error in exception
 * handler", with the original context), and one from the default handler by a plain console.error.
 * Never throws.
 */
export function callExceptionHandler<L>(loop: L, handler: ExceptionHandler<L> | null, defaultHandler: (context: ExceptionContext) => void, context: ExceptionContext): void {
  if (handler === null) {
    try {
      defaultHandler(context);
    } catch (err) {
      console.error(`Exception in default exception handler\n${formatException(err)}`);
    }
    return;
  }
  try {
    handler(loop, context);
  } catch (exception) {
    try {
      defaultHandler({ message: 'Unhandled error in exception handler', exception, context });
    } catch (err) {
      console.error(`Exception in default exception handler while handling an unexpected error in custom exception handler\n${formatException(err)}`);
    }
  }
}
