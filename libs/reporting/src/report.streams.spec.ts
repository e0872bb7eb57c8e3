import { ValidationError } from '@shop/event-sourcing';
import { reportIdFromStreamName, reportStreamName } from './report.streams';

const id = '9a0e5d7c-1b2a-4c3d-8e4f-5a6b7c8d9e01';

describe('report stream names', () => {
  it('builds and parses report-<uuid>', () => {
    expect(reportStreamName(id)).toBe(`report-${id}`);
    expect(reportIdFromStreamName(`report-${id}`)).toBe(id);
    expect(reportIdFromStreamName(`order-${id}`)).toBeUndefined();
  });
  it.each(['', 'x', id.toUpperCase()])('refuses %p', (raw) => {
    expect(() => reportStreamName(raw)).toThrow(ValidationError);
  });
});
