/** A webhook receiver on 127.0.0.1 for the notification tests: it keeps each body and answers with the statuses given. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  url: string;
  bodies: string[];
  statuses: number[];
  close(): Promise<void>;
}

/** Answers with `answers` in turn (the last one from then on), on `port` when given (a receiver that comes back). */
export async function startReceiver(answers: number[], port = 0): Promise<WebhookReceiver> {
  const bodies: string[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(body);
      const status = answers[Math.min(statuses.length, answers.length - 1)]!;
      statuses.push(status);
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver failed');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${bound}/hook`, bodies, statuses, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
