import { setFlagsFromString } from 'node:v8';
import { MongoServerError } from './errors';

/**
 * Query patterns come from clients, so their cost must be bounded: V8 switches a regular expression to its
 * linear-time engine once a match backtracks too much, and patterns that engine cannot run (backreferences,
 * lookaround) are refused instead of risking exponential time on the event loop.
 */
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

export interface SafeRegex {
  test(s: string): boolean;
}

/** PCRE's extended mode (`x`): unescaped whitespace and `#` comments outside classes are ignored. */
const stripExtended = (src: string): string => {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (ch === '\\') {
      out += ch + (src[++i] ?? '');
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') inClass = true;
    else if (/\s/.test(ch)) continue;
    else if (ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    out += ch;
  }
  return out;
};

const other = (ch: string): string => {
  const u = ch.toUpperCase();
  const l = ch.toLowerCase();
  return u !== ch && u.length === 1 ? u : l !== ch && l.length === 1 ? l : '';
};
const isLetter = (ch: string | undefined): ch is string => !!ch && other(ch) !== '';
const escapeLen = (src: string, i: number): number => {
  const n = src[i + 1];
  if (n === 'x') return 4;
  if (n === 'u') return src[i + 2] === '{' ? src.indexOf('}', i) - i + 1 : 6;
  if (n === 'c') return 3;
  if ((n === 'k' || n === 'p' || n === 'P') && src[i + 2] === (n === 'k' ? '<' : '{'))
    return src.indexOf(n === 'k' ? '>' : '}', i) - i + 1;
  return 2;
};

/**
 * Case-insensitivity spelled out (`a` → `[aA]`), because the linear engine does not take the `i` flag.
 * Ranges are folded when both ends are letters of the same case.
 */
const foldCase = (src: string): string => {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i] as string;
    if (ch === '\\') {
      const n = escapeLen(src, i);
      out += src.slice(i, i + n);
      i += n - 1;
      continue;
    }
    if (!inClass && src.startsWith('(?<', i) && src[i + 3] !== '=' && src[i + 3] !== '!') {
      const end = src.indexOf('>', i);
      out += src.slice(i, end + 1);
      i = end;
      continue;
    }
    if (inClass) {
      if (ch === ']') {
        inClass = false;
        out += ch;
      } else if (isLetter(ch) && src[i + 1] === '-' && isLetter(src[i + 2])) {
        const hi = src[i + 2] as string;
        const same = (ch === ch.toLowerCase()) === (hi === hi.toLowerCase());
        out += `${ch}-${hi}` + (same ? `${other(ch)}-${other(hi)}` : '');
        i += 2;
      } else out += isLetter(ch) ? ch + other(ch) : ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (src[i + 1] === '^') out += src[++i] as string;
      if (src[i + 1] === ']') out += src[++i] as string;
    } else out += isLetter(ch) ? `[${ch}${other(ch)}]` : ch;
  }
  return out;
};

const cache = new Map<string, RegExp>();

export const compileRegex = (pattern: string, options: string): SafeRegex => {
  const key = `${options}/${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let flags = '';
  let src = pattern;
  let fold = false;
  for (const o of options) {
    if (o === 'm' || o === 's') {
      if (!flags.includes(o)) flags += o;
    } else if (o === 'i') fold = true;
    else if (o === 'x') src = stripExtended(src);
    else if (o !== 'u' && o !== 'g') throw new MongoServerError(51108, `invalid flag in regex options: ${o}`);
  }
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch (e) {
    throw new MongoServerError(51091, `Regular expression is invalid: ${(e as Error).message}`);
  }
  try {
    if (fold) re = new RegExp(foldCase(src), flags);
    new RegExp(re.source, flags + 'l');
  } catch {
    throw new MongoServerError(
      51091,
      `Regular expression is refused: backreferences and lookaround cannot be run in bounded time by the embedded server: /${pattern}/`,
    );
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
};

/** Escapes text for use inside a pattern (API search terms), so user input is matched literally. */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
