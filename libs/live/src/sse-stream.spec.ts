import { eventually } from '@shop/testing';
import { createServer, type ServerResponse } from 'node:http';
import * as net from 'node:net';
import { ChangeBus } from './change-bus';
import { formatSseEvent, pipeToSse, SseStream } from './sse-stream';
import { LiveTopics } from './topics';

describe('formatSseEvent', () => {
  it('writes id, event and one JSON data line, ended by a blank line', () => {
    expect(formatSseEvent({ id: '12/12', event: 'close', data: { code: 'x' } })).toBe(
      'id: 12/12\nevent: close\ndata: {"code":"x"}\n\n',
    );
    expect(formatSseEvent({ data: 'a\nb' })).toBe('data: "a\\nb"\n\n');
  });

  it('cannot be made to start another event through a line break in id or event', () => {
    expect(formatSseEvent({ id: '1\n\ndata: forged', event: 'x\r\nid: 2', data: 1 })).toBe(
      'id: 1 data: forged\nevent: x id: 2\ndata: 1\n\n',
    );
  });
});

describe('SseStream over a real socket', () => {
  it('drops a client that stops reading once its queue is full, instead of buffering for it', async () => {
    const bus = new ChangeBus({ queueLimit: 8, maxConnectionsPerUser: 1 });
    const subscription = bus.connect('reader').subscribe(LiveTopics.allChanges());
    let piped: Promise<unknown> = Promise.resolve();
    let served: ServerResponse | undefined;
    const server = createServer((request, response) => {
      served = response;
      const stream = new SseStream(request, response, { heartbeatMs: 200 });
      piped = pipeToSse(subscription, stream, (m) => ({ data: m }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const client = net.connect(port, '127.0.0.1');
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    client.pause(); // never reads: the kernel's buffers fill, then the server's writes wait for drain
    try {
      const payload = 'x'.repeat(16_384);
      let published = 0;
      while (!subscription.isClosed && published < 100_000) {
        bus.publish([
          {
            type: 'change',
            topic: 'order',
            id: payload,
            projection: 'orders',
            eventType: 'OrderConfirmed',
            position: `${published}/${published}`,
            streamName: 'order-x',
            revision: '0',
            recordedAt: '',
            committedAt: '',
          },
        ]);
        published++;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(subscription.closeReason?.code).toBe('slow-consumer');
      expect(subscription.buffered).toBe(0);
      expect(bus.active).toBe(0);
      await piped;
      // It never read the close event either: its connection is cut rather than kept with the data.
      await eventually(() => served?.destroyed === true, 10_000);
    } finally {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
