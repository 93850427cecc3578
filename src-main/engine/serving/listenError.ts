// Why the data plane could not listen, in words a user can act on: the port is taken, the address is not this
// machine's, or the port is privileged. `pickAnother` says how this program picks another port.
import { UserError } from '../userError';

export function listenError(
  error: unknown,
  host: string,
  port: number,
  pickAnother = 'pick another port (0 picks a free one)',
): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new UserError('unavailable', `port ${port} on ${host} is in use; ${pickAnother}`);
  if (code === 'EADDRNOTAVAIL') return new UserError('bad-input', `${host} is not an address of this machine`);
  if (code === 'EACCES')
    return new UserError('unavailable', `not allowed to listen on port ${port}; use a port above 1023`);
  return error;
}
