import { newStemmer } from 'snowball-stemmers';
import { TEXT_SCORES } from '../bson/compare';
import type { Doc } from '../bson/values';
import { MongoServerError } from './errors';
import type { IndexSpec } from './index-store';
import { badValue } from './errors';
import type { DocMatcher } from './matcher';
import { ENGLISH_STOP_WORDS } from './text-stop-words';

/**
 * `$text` over a collection's text index, as mongod evaluates it: terms are lower-cased, stripped of diacritics,
 * stop words dropped and stemmed per language (`none`: neither); a document matches any positive term, every
 * phrase and no negated term or phrase. Scores follow mongod's formula (per field: weight × frequency, damped
 * by repetition and field length) and are kept per matched document for `{$meta: "textScore"}`.
 */
export const isTextIndex = (spec: IndexSpec): boolean => (spec.key as Doc)._fts === 'text';

const stemmers = new Map<string, { stem(w: string): string } | null>();
const stemmerFor = (language: string): { stem(w: string): string } | null => {
  let s = stemmers.get(language);
  if (s === undefined) {
    s = language === 'none' ? null : newStemmer(language === 'en' ? 'english' : language);
    stemmers.set(language, s);
  }
  return s;
};

const LANGUAGES = new Set([
  'none',
  'english',
  'en',
  'french',
  'german',
  'spanish',
  'italian',
  'portuguese',
  'dutch',
]);
const checkLanguage = (language: string): string => {
  if (!LANGUAGES.has(language)) throw badValue(`language override unsupported: ${language}`);
  return language;
};

const fold = (s: string, caseSensitive: boolean, diacritics: boolean): string => {
  const c = caseSensitive ? s : s.toLowerCase();
  return diacritics ? c : c.normalize('NFD').replace(/\p{M}/gu, '');
};

const words = (s: string): string[] => s.split(/[^\p{L}\p{N}_']+/u).filter(Boolean);

const terms = (s: string, language: string, cs: boolean, dia: boolean): string[] => {
  const stem = stemmerFor(language);
  const out: string[] = [];
  for (const w of words(s)) {
    const lower = fold(w, false, dia);
    if (language !== 'none' && ENGLISH_STOP_WORDS.has(lower) && language.startsWith('en')) continue;
    const t = fold(w, cs, dia);
    out.push(stem ? stem.stem(t) : t);
  }
  return out;
};

interface Search {
  positive: string[];
  negative: string[];
  phrases: string[];
  negPhrases: string[];
}

const parseSearch = (search: string, language: string, cs: boolean, dia: boolean): Search => {
  const s: Search = { positive: [], negative: [], phrases: [], negPhrases: [] };
  const re = /(-?)"([^"]*)"|(\S+)/g;
  for (let m = re.exec(search); m; m = re.exec(search)) {
    if (m[2] !== undefined) (m[1] ? s.negPhrases : s.phrases).push(fold(m[2], cs, dia));
    else {
      const raw = m[3] as string;
      const neg = raw.startsWith('-');
      const ts = terms(neg ? raw.slice(1) : raw, language, cs, dia);
      (neg ? s.negative : s.positive).push(...ts);
    }
  }
  // phrase words also count as terms, as in mongod
  for (const p of s.phrases) s.positive.push(...terms(p, language, cs, dia));
  return s;
};

const fieldText = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(fieldText) : [];

const getField = (doc: Doc, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((cur, p) => (cur && typeof cur === 'object' ? (cur as Doc)[p] : undefined), doc);

export const compileText = (arg: unknown, index: IndexSpec | undefined): DocMatcher => {
  if (!index) throw new MongoServerError(27, 'text index required for $text query');
  if (!arg || typeof arg !== 'object') throw badValue('$text expects an object');
  const a = arg as Doc;
  if (typeof a.$search !== 'string') throw badValue('$search required as a string in $text');
  const cs = a.$caseSensitive === true;
  const dia = a.$diacriticSensitive === true;
  const weights = (index.weights ?? {}) as Record<string, number>;
  const defaultLanguage = typeof index.default_language === 'string' ? index.default_language : 'english';
  const override = typeof index.language_override === 'string' ? index.language_override : 'language';
  const queryLanguage = checkLanguage(typeof a.$language === 'string' ? a.$language : defaultLanguage);
  const q = parseSearch(a.$search, queryLanguage, cs, dia);
  const wanted = new Set(q.positive);
  return (d) => {
    const doc = d as Doc;
    const lang = typeof doc[override] === 'string' ? doc[override] : defaultLanguage;
    const docLanguage = LANGUAGES.has(lang) ? lang : defaultLanguage;
    const scores = new Map<string, number>();
    const raw: string[] = [];
    for (const [field, weight] of Object.entries(weights)) {
      for (const text of fieldText(getField(doc, field))) {
        raw.push(fold(text, cs, dia));
        const ts = terms(text, docLanguage, cs, dia);
        const seen = new Map<string, { count: number; freq: number; exp: number }>();
        for (const t of ts) {
          const e = seen.get(t) ?? { count: 0, freq: 0, exp: 0 };
          e.exp = e.exp ? e.exp * 2 : 1;
          e.count++;
          e.freq += 1 / e.exp;
          seen.set(t, e);
        }
        for (const [t, e] of seen) {
          const coeff = (0.5 * e.count) / ts.length + 0.5;
          scores.set(t, (scores.get(t) ?? 0) + weight * e.freq * coeff);
        }
      }
    }
    if (q.negative.some((t) => scores.has(t))) return false;
    if (q.negPhrases.some((p) => raw.some((r) => r.includes(p)))) return false;
    if (!q.phrases.every((p) => raw.some((r) => r.includes(p)))) return false;
    let score = 0;
    let hit = false;
    for (const t of wanted) {
      const s = scores.get(t);
      if (s !== undefined) {
        hit = true;
        score += s;
      }
    }
    if (!hit) return false;
    TEXT_SCORES.set(doc, score);
    return true;
  };
};

/** The text index spec mongod stores for a `{field: "text", ...}` key. */
export const textIndexSpec = (key: Doc, raw: Doc, name: string): IndexSpec => {
  const weights: Record<string, number> = {};
  for (const [f, v] of Object.entries(key)) if (v === 'text') weights[f] = 1;
  for (const [f, w] of Object.entries((raw.weights ?? {}) as Doc)) weights[f] = Number(w);
  return {
    v: 2,
    key: { _fts: 'text', _ftsx: 1 },
    name,
    weights,
    default_language:
      typeof raw.default_language === 'string' ? checkLanguage(raw.default_language) : 'english',
    language_override: typeof raw.language_override === 'string' ? raw.language_override : 'language',
    textIndexVersion: 3,
  };
};
