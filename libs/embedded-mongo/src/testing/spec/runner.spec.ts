import { driverWtimeout } from './runner';

describe("the runner's allowance for mongodb 7.9's commit/abort wtimeout", () => {
  const commit = (writeConcern: Record<string, unknown>) => ({
    commandName: 'commitTransaction',
    command: { commitTransaction: 1, writeConcern },
  });

  it('drops exactly wtimeout 10000 from a commit or abort whose expected write concern names none', () => {
    const notes: string[] = [];
    const got = driverWtimeout(
      { writeConcern: { w: 'majority' } },
      commit({ w: 'majority', wtimeout: 10000 }),
      notes,
      1,
    );
    expect(got.command).toEqual({ commitTransaction: 1, writeConcern: { w: 'majority' } });
    expect(notes).toHaveLength(1);
    const abort = {
      commandName: 'abortTransaction',
      command: { abortTransaction: 1, writeConcern: { w: 1, wtimeout: 10000 } },
    };
    expect(driverWtimeout({ writeConcern: { w: 1 } }, abort, notes, 2).command).toEqual({
      abortTransaction: 1,
      writeConcern: { w: 1 },
    });
  });

  it('leaves every other case to the strict match', () => {
    const notes: string[] = [];
    const retried = commit({ w: 'majority', wtimeout: 10000 });
    expect(driverWtimeout({ writeConcern: { w: 'majority', wtimeout: 10000 } }, retried, notes, 0)).toBe(
      retried,
    );
    const other = commit({ w: 'majority', wtimeout: 5000 });
    expect(driverWtimeout({ writeConcern: { w: 'majority' } }, other, notes, 0)).toBe(other);
    const absent = commit({ w: 'majority', wtimeout: 10000 });
    expect(driverWtimeout({ writeConcern: { $$exists: false } }, absent, notes, 0)).toBe(absent);
    const insert = {
      commandName: 'insert',
      command: { insert: 'c', writeConcern: { w: 1, wtimeout: 10000 } },
    };
    expect(driverWtimeout({ writeConcern: { w: 1 } }, insert, notes, 0)).toBe(insert);
    expect(notes).toEqual([]);
  });
});
