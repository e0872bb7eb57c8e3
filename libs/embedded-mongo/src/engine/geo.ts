import { asDouble, isNumeric } from '../bson/numeric';
import type { Doc } from '../bson/values';
import { MongoServerError } from './errors';

/**
 * Geospatial predicates on point data: `$geoWithin` (`$geometry` Polygon/MultiPolygon, `$centerSphere`,
 * `$center`, `$box`, `$polygon`), `$geoIntersects` and `$near`/`$nearSphere` with `$minDistance`/`$maxDistance`.
 * Spherical distances use mongod's earth radius (meters for GeoJSON, radians for legacy `$nearSphere`).
 * Distances of `$near` matches are kept for ordering and for `$geoNear`'s `distanceField`.
 */
export const EARTH_RADIUS_M = 6378100;
export const GEO_DISTANCES = new WeakMap<object, number>();

type Pt = [number, number];

const geoError = (msg: string): MongoServerError => new MongoServerError(2, msg);

const num = (v: unknown): number | undefined => (isNumeric(v) ? asDouble(v) : undefined);

const legacyPoint = (v: unknown): Pt | undefined => {
  const xs = Array.isArray(v)
    ? v
    : v && typeof v === 'object' && v.constructor === Object
      ? Object.values(v as Doc)
      : null;
  if (!xs || xs.length < 2) return undefined;
  const x = num(xs[0]);
  const y = num(xs[1]);
  return x === undefined || y === undefined ? undefined : [x, y];
};

/** A document value as a point: GeoJSON Point or a legacy coordinate pair. */
export const pointOf = (v: unknown): Pt | undefined => {
  if (v && typeof v === 'object' && (v as Doc).type === 'Point') return legacyPoint((v as Doc).coordinates);
  return legacyPoint(v);
};

const checkLngLat = ([x, y]: Pt): Pt => {
  if (x < -180 || x > 180 || y < -90 || y > 90)
    throw geoError(`longitude/latitude is out of bounds, lng: ${x} lat: ${y}`);
  return [x, y];
};

const ring = (v: unknown): Pt[] => {
  if (!Array.isArray(v)) throw geoError('Polygon coordinates must be an array');
  const pts = v.map((p) => {
    const pt = legacyPoint(p);
    if (!pt) throw geoError('Point must only contain numeric elements');
    return checkLngLat(pt);
  });
  const first = pts[0];
  const last = pts[pts.length - 1];
  if (pts.length < 4 || !first || !last || first[0] !== last[0] || first[1] !== last[1])
    throw geoError('Loop must have at least 3 different vertices and be closed');
  return pts;
};

const inRing = ([x, y]: Pt, pts: Pt[]): boolean => {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i] as Pt;
    const [xj, yj] = pts[j] as Pt;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
};

const inPolygon = (p: Pt, rings: Pt[][]): boolean =>
  inRing(p, rings[0] as Pt[]) && !rings.slice(1).some((hole) => inRing(p, hole));

export const sphereDistance = ([x1, y1]: Pt, [x2, y2]: Pt): number => {
  const r = Math.PI / 180;
  const dLat = (y2 - y1) * r;
  const dLng = (x2 - x1) * r;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(y1 * r) * Math.cos(y2 * r) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.asin(Math.min(1, Math.sqrt(a)));
};
const planeDistance = ([x1, y1]: Pt, [x2, y2]: Pt): number => Math.hypot(x2 - x1, y2 - y1);

/** A `$geometry` as a point test (within/intersects a polygon; equal to a point). */
const geometryTest = (g: unknown): ((p: Pt) => boolean) => {
  if (!g || typeof g !== 'object') throw geoError('$geometry must be a GeoJSON object');
  const { type, coordinates } = g as Doc;
  if (type === 'Polygon') {
    if (!Array.isArray(coordinates) || coordinates.length === 0) throw geoError('Polygon has no loops');
    const rings = coordinates.map(ring);
    return (p) => inPolygon(p, rings);
  }
  if (type === 'MultiPolygon') {
    if (!Array.isArray(coordinates)) throw geoError('MultiPolygon coordinates must be an array');
    const polys = coordinates.map((c) => (Array.isArray(c) ? c.map(ring) : []));
    return (p) => polys.some((rings) => inPolygon(p, rings));
  }
  if (type === 'Point') {
    const pt = legacyPoint(coordinates);
    if (!pt) throw geoError('Point must only contain numeric elements');
    checkLngLat(pt);
    return (p) => p[0] === pt[0] && p[1] === pt[1];
  }
  throw geoError(`unknown GeoJSON type: ${JSON.stringify(g)}`);
};

export const geoWithin = (arg: unknown): ((v: unknown) => boolean) => {
  if (!arg || typeof arg !== 'object') throw geoError('$geoWithin not followed by an object');
  const a = arg as Doc;
  let test: (p: Pt) => boolean;
  if (a.$geometry !== undefined) test = geometryTest(a.$geometry);
  else if (a.$centerSphere !== undefined || a.$center !== undefined) {
    const spec = (a.$centerSphere ?? a.$center) as unknown[];
    const c = Array.isArray(spec) ? legacyPoint(spec[0]) : undefined;
    const r = Array.isArray(spec) ? num(spec[1]) : undefined;
    if (!c || r === undefined || r < 0) throw geoError('malformed query: center must be [[x, y], radius]');
    test = a.$centerSphere !== undefined ? (p) => sphereDistance(c, p) <= r : (p) => planeDistance(c, p) <= r;
  } else if (a.$box !== undefined) {
    const [lo, hi] = (Array.isArray(a.$box) ? a.$box : []).map(legacyPoint);
    if (!lo || !hi) throw geoError('malformed query: $box needs two points');
    test = ([x, y]) =>
      x >= Math.min(lo[0], hi[0]) &&
      x <= Math.max(lo[0], hi[0]) &&
      y >= Math.min(lo[1], hi[1]) &&
      y <= Math.max(lo[1], hi[1]);
  } else if (a.$polygon !== undefined) {
    const pts = (Array.isArray(a.$polygon) ? a.$polygon : []).map(legacyPoint);
    if (pts.length < 3 || pts.some((p) => !p)) throw geoError('Polygon must have at least 3 points');
    test = (p) => inRing(p, pts as Pt[]);
  } else throw geoError(`unknown geo specifier: ${Object.keys(a)[0] ?? ''}`);
  return (v) => {
    const p = pointOf(v);
    return !!p && test(p);
  };
};

export const geoIntersects = (arg: unknown): ((v: unknown) => boolean) => {
  const g = (arg as Doc | null)?.$geometry;
  if (g === undefined) throw geoError('$geoIntersects not followed by a $geometry');
  const test = geometryTest(g);
  return (v) => {
    const p = pointOf(v);
    return !!p && test(p);
  };
};

/** `$near`/`$nearSphere`: matches within the distance bounds and remembers each match's distance. */
export const near = (
  op: '$near' | '$nearSphere',
  arg: unknown,
  spec: Doc,
): ((v: unknown, doc: object) => boolean) => {
  const a = (arg && typeof arg === 'object' && !Array.isArray(arg) ? arg : {}) as Doc;
  const geo = a.$geometry !== undefined;
  const center = geo ? pointOf(a.$geometry) : legacyPoint(arg);
  if (!center) throw geoError(`invalid argument to ${op}`);
  if (geo) checkLngLat(center);
  const max = num(a.$maxDistance ?? spec.$maxDistance);
  const min = num(a.$minDistance ?? spec.$minDistance);
  if ((max !== undefined && max < 0) || (min !== undefined && min < 0))
    throw geoError('$maxDistance and $minDistance must be non-negative');
  const spherical = geo || op === '$nearSphere';
  // GeoJSON distances are meters, legacy $nearSphere radians, legacy $near plane units
  const scale = geo ? EARTH_RADIUS_M : 1;
  return (v, doc) => {
    const p = pointOf(v);
    if (!p) return false;
    const d = spherical ? sphereDistance(center, p) * scale : planeDistance(center, p);
    if ((max !== undefined && d > max) || (min !== undefined && d < min)) return false;
    GEO_DISTANCES.set(doc, d);
    return true;
  };
};
