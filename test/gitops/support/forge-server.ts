// A loopback HTTP server standing in for the forge (commit statuses) and the alert webhook.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export class ForgeServer {
  readonly received: Received[] = [];
  /** Status to answer with (e.g. 500 to test that reporting never fails a sync). */
  answer = 201;
  private server: Server;

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<ForgeServer> {
    let self: ForgeServer | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        self!.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(self!.answer, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    self = new ForgeServer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  statuses(): { sha: string; state: string; context: string; description: string }[] {
    return this.received
      .filter((r) => /\/statuses\//.test(r.url))
      .map((r) => {
        const b = r.body as { state: string; context?: string; name?: string; description: string };
        return { sha: r.url.split('/statuses/')[1]!, state: b.state, context: b.context ?? b.name ?? '', description: b.description };
      });
  }

  hooks(): Record<string, unknown>[] {
    return this.received.filter((r) => r.url.startsWith('/hook')).map((r) => r.body as Record<string, unknown>);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
