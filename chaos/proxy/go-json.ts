// JSON the way Toxiproxy's Go server reads and writes it, so clients see byte-identical bodies:
// - output escapes <, >, & and U+2028/9 like encoding/json, map keys are sorted by the caller;
// - input field names match case-insensitively (exact match first), like encoding/json;
// - float32 fields (toxicity) print as the shortest decimal that round-trips through float32.

/** Serialize like Go's json.Marshal (HTML-safe escaping). */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** A number stored as Go's float32 and printed the way Go prints it (shortest round-trip form). */
export function toFloat32(x: number): number {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) return f;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** A body-decoding failure; the API turns it into 400 "bad request body: ...". */
export class JsonDecodeError extends Error {}

export type JsonObject = Record<string, unknown>;

/** Parse a request body like json.Decoder.Decode: empty body is "EOF". */
export function parseBody(text: string): unknown {
  if (text.trim() === '') throw new JsonDecodeError('EOF');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = (e as Error).message;
    throw new JsonDecodeError(/end of JSON input/i.test(msg) ? 'unexpected EOF' : `invalid character in JSON: ${msg}`);
  }
}

/** The JSON kind name Go uses in "cannot unmarshal <kind> into ..." errors. */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // number, string
}

/** Look a field up as encoding/json does: exact name first, then case-insensitive. */
export function field(obj: JsonObject, name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

/** Require a JSON object at the top level (Go: cannot unmarshal X into Go value of type T). */
export function expectObject(v: unknown, goType: string): JsonObject | null {
  if (v === null) return null; // Go decodes null into a struct as "no change"
  if (typeof v !== 'object' || Array.isArray(v))
    throw new JsonDecodeError(`json: cannot unmarshal ${jsonKind(v)} into Go value of type ${goType}`);
  return v as JsonObject;
}

function mismatch(v: unknown, where: string, goType: string): JsonDecodeError {
  // Go names the literal only when a number does not fit a numeric field ("number 1.5").
  const kind = typeof v === 'number' && goType.startsWith('int') ? `number ${String(v)}` : jsonKind(v);
  return new JsonDecodeError(`json: cannot unmarshal ${kind} into Go struct field ${where} of type ${goType}`);
}

/** Decode an optional string field; undefined/null keep the current value. */
export function stringField(obj: JsonObject, name: string, where: string, current: string): string {
  const v = field(obj, name);
  if (v === undefined || v === null) return current;
  if (typeof v !== 'string') throw mismatch(v, where, 'string');
  return v;
}

export function boolField(obj: JsonObject, name: string, where: string, current: boolean): boolean {
  const v = field(obj, name);
  if (v === undefined || v === null) return current;
  if (typeof v !== 'boolean') throw mismatch(v, where, 'bool');
  return v;
}

export function float32Field(obj: JsonObject, name: string, where: string, current: number): number {
  const v = field(obj, name);
  if (v === undefined || v === null) return current;
  if (typeof v !== 'number') throw mismatch(v, where, 'float32');
  return toFloat32(v);
}

/** Go int/int64 fields: a JSON number without a fraction. */
export function intField(obj: JsonObject, name: string, where: string, current: number, goType = 'int64'): number {
  const v = field(obj, name);
  if (v === undefined || v === null) return current;
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw mismatch(v, where, goType);
  return v;
}
