/**
 * PostgreSQL failures that go away by themselves (connection loss, shutdown, overload,
 * serialization conflicts). Anything else is a fault of the input or of the code.
 * SQLSTATE classes: 08 connection exception, 57 operator intervention, 53 insufficient resources,
 * 40001 serialization failure, 40P01 deadlock, 55P03 lock wait timed out (lock_timeout).
 */
const RETRIABLE_SQLSTATE = /^(08|57|53)|^40001$|^40P01$|^55P03$/;
const RETRIABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function isRetriableDatabaseError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; driverError?: unknown; message?: unknown };
  if (e.driverError && isRetriableDatabaseError(e.driverError)) return true;
  if (typeof e.code === 'string' && (RETRIABLE_SQLSTATE.test(e.code) || RETRIABLE_NODE_CODES.has(e.code))) return true;
  return typeof e.message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message);
}
