import { formatSseEvent } from './sse-stream';

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
