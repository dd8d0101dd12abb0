import { bodyLimit } from 'hono/body-limit';
import { httpFailure } from './httpFailure.ts';

/** Hono's body limit with our error shape: 413 `payload_too_large` naming the limit. */
export function jsonBodyLimit(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw httpFailure(413, 'payload_too_large', `expected a request body of at most ${maxBytes} bytes`);
    },
  });
}
