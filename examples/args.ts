// The command line every example server shares: `[port] [--max-clients N]`.
// port 0 asks the kernel for a free one; the server prints `listening on <port>` when ready.
import { parseArgs } from 'node:util';

export interface ServerArgs {
  /** The TCP port to listen on (1234 when not given, 0 for an ephemeral one). */
  port: number;
  /** Exit after serving this many clients to the end of their connection (Infinity: never). */
  maxClients: number;
}

export function serverArgs(argv: string[] = process.argv.slice(2)): ServerArgs {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'max-clients': { type: 'string' } },
  });
  const port = Number(positionals[0] ?? 1234);
  const maxClients = Number(values['max-clients'] ?? Infinity);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !(maxClients >= 1)) {
    console.error('usage: node -r ./scripts/register-ts.js examples/<name>.ts [port] [--max-clients N]');
    process.exit(2);
  }
  return { port, maxClients };
}
