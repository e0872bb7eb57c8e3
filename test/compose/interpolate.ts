/**
 * Docker Compose's variable interpolation, as the compose specification defines it, so the drift test sees
 * the file as `docker compose` does: compose interpolates the whole file, every profile included, before it
 * applies profiles, and a `${VAR:?message}` anywhere aborts every command.
 *
 *   $$             a literal $
 *   $VAR ${VAR}    the value, empty when unset
 *   ${VAR:-x}      x when VAR is unset or empty      ${VAR-x}  x when VAR is unset
 *   ${VAR:?msg}    error when VAR is unset or empty  ${VAR?msg} error when VAR is unset
 *   ${VAR:+x}      x when VAR is set and not empty   ${VAR+x}  x when VAR is set
 * Defaults and replacements are interpolated themselves (`${A:-${B}}`).
 */
export class InterpolationError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

type Env = Readonly<Record<string, string | undefined>>;

export function interpolate(text: string, env: Env): string {
  const [value, end] = parse(text, 0, env, false);
  if (end !== text.length) throw new InterpolationError(`unexpected "}" at ${end} in "${text}"`);
  return value;
}

/** Interpolates every string in a parsed YAML document (values only: compose leaves keys alone). */
export function interpolateDocument<T>(document: T, env: Env): T {
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return interpolate(node, env);
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === 'object')
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
    return node;
  };
  return visit(document) as T;
}

/** Reads up to the end of `text` (or, `nested`, up to the `}` closing a default), returning value and index. */
function parse(text: string, start: number, env: Env, nested: boolean): [string, number] {
  let out = '';
  let i = start;
  while (i < text.length) {
    const char = text[i];
    if (nested && char === '}') return [out, i];
    if (char !== '$') {
      out += char;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const [value, end] = braced(text, i + 2, env);
      out += value;
      i = end;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (name) {
        out += env[name] ?? '';
        i += 1 + name.length;
      } else {
        out += '$';
        i++;
      }
    }
  }
  if (nested) throw new InterpolationError(`unclosed "\${" in "${text}"`);
  return [out, i];
}

/** `${...}` from just after the brace; returns the value and the index after the closing brace. */
function braced(text: string, start: number, env: Env): [string, number] {
  const name = NAME.exec(text.slice(start))?.[0];
  if (!name) throw new InterpolationError(`invalid variable name in "${text}"`);
  let i = start + name.length;
  const value = env[name];
  if (text[i] === '}') return [value ?? '', i + 1];
  const colon = text[i] === ':';
  if (colon) i++;
  const operator = text[i];
  if (operator !== '-' && operator !== '?' && operator !== '+')
    throw new InterpolationError(`invalid interpolation format for "${name}" in "${text}"`);
  const [argument, end] = parse(text, i + 1, env, true);
  const present = colon ? value !== undefined && value !== '' : value !== undefined;
  switch (operator) {
    case '-':
      return [present ? (value as string) : argument, end + 1];
    case '+':
      return [present ? argument : '', end + 1];
    case '?':
      if (!present)
        throw new InterpolationError(
          `required variable ${name} is missing a value${argument ? `: ${argument}` : ''}`,
        );
      return [value as string, end + 1];
  }
}
