import { ProgressMeter } from './rebuild-progress';

describe('ProgressMeter', () => {
  const clock = (start = 1_000_000) => {
    let now = start;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('keeps the total fixed at what was expected while the replay runs, and exact once done', () => {
    const time = clock();
    const meter = new ProgressMeter(1_000, time.now);
    const seen = [100, 250, 600, 999].map((processed) => {
      time.advance(500);
      return meter.at(processed);
    });
    expect(seen.map((p) => p.total)).toEqual([1_000, 1_000, 1_000, 1_000]);
    expect(seen.every((p) => !p.done)).toBe(true);
    time.advance(10);
    expect(meter.done(1_000)).toEqual({
      processed: 1_000,
      total: 1_000,
      eventsPerSecond: 498,
      etaSeconds: 0,
      done: true,
    });
  });

  it('reports the average rate since the start and the time left at that rate', () => {
    const time = clock();
    const meter = new ProgressMeter(1_000, time.now);
    time.advance(2_000);
    expect(meter.at(500)).toMatchObject({ eventsPerSecond: 250, etaSeconds: 2 });
  });

  it('never reports 0 events/s once anything was processed, however slow', () => {
    const time = clock();
    const meter = new ProgressMeter(10, time.now);
    time.advance(60_000);
    expect(meter.at(1).eventsPerSecond).toBe(1);
    expect(meter.done(10).eventsPerSecond).toBe(1);
  });

  it('has no rate and no ETA before the first event', () => {
    const meter = new ProgressMeter(10, clock().now);
    expect(meter.at(0)).toMatchObject({ eventsPerSecond: 0, etaSeconds: null, total: 10 });
  });

  it('grows the total only when more events turn up than expected', () => {
    const time = clock();
    const meter = new ProgressMeter(5, time.now);
    time.advance(1_000);
    expect(meter.at(4).total).toBe(5);
    expect(meter.at(8)).toMatchObject({ total: 8, etaSeconds: 0 });
  });
});
