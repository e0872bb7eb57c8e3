import { cloneValue, type Doc } from '../bson/values';
import type { Ctx } from './context';
import { MongoServerError } from './errors';
import { GEO_DISTANCES } from './geo';
import { findRecords } from './query';
import { setPath } from './update-ops';

/**
 * The `$geoNear` stage (first in a pipeline): documents by distance from `near`, each with `distanceField`
 * (meters for a GeoJSON point, radians for a legacy pair with `spherical`, plane units otherwise).
 */
export const geoNearStage = (ctx: Ctx, ns: string, arg: unknown): Doc[] => {
  if (!arg || typeof arg !== 'object')
    throw new MongoServerError(10065, '$geoNear argument must be an object');
  const g = arg as Doc;
  if (g.near === undefined) throw new MongoServerError(2, "$geoNear requires a 'near' option as an Array");
  if (typeof g.distanceField !== 'string')
    throw new MongoServerError(2, "$geoNear requires a 'distanceField' option as a String");
  const coll = ctx.coll(ns);
  const geoIndexes = [...(coll?.indexes.values() ?? [])].filter((i) =>
    Object.values(i.spec.key).some((v) => v === '2dsphere' || v === '2d'),
  );
  let key = typeof g.key === 'string' ? g.key : undefined;
  if (key === undefined) {
    if (geoIndexes.length !== 1)
      throw new MongoServerError(
        geoIndexes.length ? 2 : 291,
        geoIndexes.length
          ? 'There is more than one 2d or 2dsphere index; please specify the key with $geoNear'
          : '$geoNear requires a 2d or 2dsphere index, but none were found',
      );
    key = Object.entries(geoIndexes[0]?.spec.key ?? {}).find(([, v]) => v === '2dsphere' || v === '2d')?.[0];
  }
  const geoJson = !!g.near && typeof g.near === 'object' && (g.near as Doc).type === 'Point';
  const op = g.spherical === true || geoJson ? '$nearSphere' : '$near';
  const bounds: Doc = {};
  // mongod takes GeoJSON bounds in meters; legacy spherical bounds are radians
  if (g.maxDistance !== undefined) bounds.$maxDistance = g.maxDistance;
  if (g.minDistance !== undefined) bounds.$minDistance = g.minDistance;
  const cond = geoJson ? { [op]: { $geometry: g.near, ...bounds } } : { [op]: g.near, ...bounds };
  const query = (g.query ?? {}) as Doc;
  const filter = Object.keys(query).length
    ? { $and: [query, { [key as string]: cond }] }
    : { [key as string]: cond };
  const mult = typeof g.distanceMultiplier === 'number' ? g.distanceMultiplier : 1;
  return findRecords(ctx, ns, { filter, sort: [], skip: 0, limit: 0 }).map((r) => {
    const d = cloneValue(r.doc);
    const dist = GEO_DISTANCES.get(r.doc) ?? 0;
    setPath(d, g.distanceField as string, dist * mult);
    return d;
  });
};
