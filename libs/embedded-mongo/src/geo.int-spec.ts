import type { Collection } from 'mongodb';
import { type Harness, startHarness } from './testing/harness';

type Row = { _id?: number | string; [k: string]: unknown };

describe('geospatial queries', () => {
  let h: Harness;
  let places: Collection<Row>;
  let plane: Collection<Row>;
  const ids = (rows: Row[]): unknown[] => rows.map((r) => r._id);
  const pt = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });

  beforeAll(async () => {
    h = await startHarness();
    places = h.client.db('geo').collection<Row>('places');
    plane = h.client.db('geo').collection<Row>('plane');
    await places.insertMany([
      { _id: 'berlin', loc: pt(13.405, 52.52) },
      { _id: 'potsdam', loc: pt(13.064, 52.391) },
      { _id: 'paris', loc: pt(2.3522, 48.8566) },
    ]);
    await places.createIndex({ loc: '2dsphere' });
    await plane.insertMany([
      { _id: 1, p: [0, 0] },
      { _id: 2, p: [3, 4] },
      { _id: 3, p: [10, 10] },
    ]);
    await plane.createIndex({ p: '2d' });
  });
  afterAll(() => h.close());

  it('$near with $maxDistance in meters returns nearest first', async () => {
    const near = await places
      .find({ loc: { $near: { $geometry: pt(13.4, 52.5), $maxDistance: 50_000 } } })
      .toArray();
    expect(ids(near)).toEqual(['berlin', 'potsdam']);
    const all = await places.find({ loc: { $nearSphere: { $geometry: pt(2.35, 48.85) } } }).toArray();
    expect(ids(all)).toEqual(['paris', 'potsdam', 'berlin']);
  });

  it('$geoWithin with $geometry, $centerSphere, $box and $polygon; $geoIntersects', async () => {
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [12, 52],
          [14, 52],
          [14, 53],
          [12, 53],
          [12, 52],
        ],
      ],
    };
    expect(ids(await places.find({ loc: { $geoWithin: { $geometry: square } } }).toArray())).toEqual([
      'berlin',
      'potsdam',
    ]);
    expect(ids(await places.find({ loc: { $geoIntersects: { $geometry: square } } }).toArray())).toEqual([
      'berlin',
      'potsdam',
    ]);
    const radius = 100 / 6378.1; // 100 km in radians
    expect(
      ids(await places.find({ loc: { $geoWithin: { $centerSphere: [[2.35, 48.85], radius] } } }).toArray()),
    ).toEqual(['paris']);
    expect(
      ids(
        await plane
          .find({
            p: {
              $geoWithin: {
                $box: [
                  [-1, -1],
                  [5, 5],
                ],
              },
            },
          })
          .toArray(),
      ),
    ).toEqual([1, 2]);
    expect(
      ids(
        await plane
          .find({
            p: {
              $geoWithin: {
                $polygon: [
                  [-1, -1],
                  [11, -1],
                  [11, 11],
                ],
              },
            },
          })
          .toArray(),
      ),
    ).toEqual([1, 3]);
    expect(ids(await plane.find({ p: { $near: [3, 3], $maxDistance: 5 } }).toArray())).toEqual([2, 1]);
  });

  it('$geoNear stage adds the distance and honours query and maxDistance', async () => {
    const rows = await places
      .aggregate<Row>([
        { $geoNear: { near: pt(13.4, 52.5), distanceField: 'dist', maxDistance: 100_000, query: {} } },
        { $project: { dist: { $round: ['$dist', -3] } } },
      ])
      .toArray();
    expect(rows).toEqual([
      { _id: 'berlin', dist: 2000 },
      { _id: 'potsdam', dist: 25000 },
    ]);
  });

  it('invalid GeoJSON is refused', async () => {
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
      ],
    };
    await expect(places.find({ loc: { $geoWithin: { $geometry: open } } }).toArray()).rejects.toMatchObject({
      code: 2,
    });
    await expect(places.find({ loc: { $near: { $geometry: pt(200, 0) } } }).toArray()).rejects.toMatchObject({
      code: 2,
    });
  });
});
