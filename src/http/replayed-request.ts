// A request body read once at the edge, then handed on: a fresh IncomingMessage on the same socket, with
// the same method, URL and headers, that yields the bytes already read. Every reader downstream (our
// body parsers, the provider's own) reads it as if it came from the network, with its own limits.
import { IncomingMessage } from 'node:http';

const clientError = (status: number, message: string) => Object.assign(new Error(message), { status, expose: true });

/** The whole body, refused with a 413 past `maxBytes` (announced or received), without buffering more. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const announced = Number(req.headers['content-length']);
  if (announced > maxBytes) throw clientError(413, 'request body too large');
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    // destroyOnReturn: false — stopping early must not destroy the socket, which still carries our 413.
    for await (const chunk of req.iterator({ destroyOnReturn: false })) {
      received += (chunk as Buffer).length;
      if (received > maxBytes) throw clientError(413, 'request body too large');
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if ((error as { status?: number }).status === 413) throw error;
    throw clientError(400, 'request aborted'); // the client went away mid-body: nobody reads the answer
  }
  return Buffer.concat(chunks, received);
}

export function replayedRequest(original: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = new IncomingMessage(original.socket);
  replay.method = original.method;
  replay.url = original.url;
  replay.headers = original.headers;
  replay.rawHeaders = original.rawHeaders;
  replay.httpVersion = original.httpVersion;
  replay.httpVersionMajor = original.httpVersionMajor;
  replay.httpVersionMinor = original.httpVersionMinor;
  if (body.length) replay.push(body);
  replay.push(null);
  // Whole and ended: destroying it once read must not be taken for an aborted upload (which closes the socket).
  replay.complete = true;
  return replay;
}
