// Toxiproxy's API handlers, one per route (Go: api.go): decode the body the way encoding/json
// would, act on the proxy collection, answer with Toxiproxy's status codes and JSON shapes.
import type { Registry } from 'prom-client';
import type { Logger } from '../../common/index.js';
import { errors, toApiError, type ApiError } from './api-error.js';
import {
  JsonDecodeError,
  boolField,
  expectObject,
  field,
  float32Field,
  goJson,
  intField,
  jsonKind,
  parseBody,
  stringField,
  type JsonObject,
} from './go-json.js';
import type { PopulateEntry, ProxyCollection } from './proxy-collection.js';
import { parseDirection, toxicJson, type ToxicDefinition } from './toxic.js';
import { toxicKinds, zeroAttributes } from './toxics/registry.js';
import type { Attributes } from './toxics/types.js';

/** The version /version reports: the Toxiproxy release whose API this server matches. */
export const toxiproxyApiVersion = '2.12.0';
export const serverVersion = `${toxiproxyApiVersion}+kafka-sre`;

export interface Reply {
  status: number;
  body?: string;
  contentType?: string;
}

export interface ApiContext {
  collection: ProxyCollection;
  metrics: Registry | undefined;
  logger: Logger;
}

export type Handler = (ctx: ApiContext, params: string[], body: () => Promise<string>) => Promise<Reply>;

const json = (value: unknown, status = 200): Reply => ({
  status,
  body: goJson(value),
  contentType: 'application/json',
});
const noContent: Reply = { status: 204 };

function bad(e: unknown): unknown {
  return e instanceof JsonDecodeError ? errors.badRequestBody.join(e.message) : e;
}

async function decode(body: () => Promise<string>): Promise<unknown> {
  try {
    return parseBody(await body());
  } catch (e) {
    throw bad(e);
  }
}

/** Decode the toxic attributes in `raw` over `base` (missing fields keep their value). */
function decodeAttributes(raw: unknown, toxic: Pick<ToxicDefinition, 'kind'>, base: Attributes): Attributes {
  const out = { ...base };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new JsonDecodeError(
      `json: cannot unmarshal ${jsonKind(raw)} into Go struct field .attributes of type toxics.${toxic.kind.type}`,
    );
  for (const f of toxic.kind.fields)
    out[f.name] = intField(raw as JsonObject, f.name, `.attributes.${f.name}`, out[f.name], f.goType);
  return out;
}

function proxyMapJson(ctx: ApiContext): string {
  // Built by hand: Go sorts map keys as strings, JS objects would put numeric names first.
  return (
    '{' +
    ctx.collection
      .all()
      .map((p) => `${goJson(p.name)}:${goJson(p)}`)
      .join(',') +
    '}'
  );
}

function decodeProxyFields(
  obj: JsonObject | null,
  base: { name: string; listen: string; upstream: string; enabled: boolean },
  goType = 'Proxy',
) {
  if (!obj) return { ...base };
  return {
    name: stringField(obj, 'name', `${goType}.name`, base.name),
    listen: stringField(obj, 'listen', `${goType}.listen`, base.listen),
    upstream: stringField(obj, 'upstream', `${goType}.upstream`, base.upstream),
    enabled: boolField(obj, 'enabled', `${goType}.enabled`, base.enabled),
  };
}

export const handlers = {
  async resetState(ctx) {
    await ctx.collection.reset();
    return noContent;
  },

  async proxyIndex(ctx) {
    return { status: 200, body: proxyMapJson(ctx), contentType: 'application/json' };
  },

  async proxyCreate(ctx, _p, body) {
    let input;
    try {
      const obj = expectObject(await decode(body), 'toxiproxy.Proxy');
      input = decodeProxyFields(obj, { name: '', listen: '', upstream: '', enabled: true });
    } catch (e) {
      throw bad(e);
    }
    if (!input.name) throw errors.missingField.join('name');
    if (!input.upstream) throw errors.missingField.join('upstream');
    const proxy = await ctx.collection.add(
      ctx.collection.newProxy(input.name, input.listen, input.upstream),
      input.enabled,
    );
    return json(proxy, 201);
  },

  async populate(ctx, _p, body) {
    let entries: PopulateEntry[];
    let result: { proxies: unknown[] | null; error?: ApiError };
    try {
      const raw = await decode(body);
      if (raw !== null && !Array.isArray(raw))
        throw new JsonDecodeError(
          `json: cannot unmarshal ${jsonKind(raw)} into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }`,
        );
      entries = ((raw as unknown[] | null) ?? []).map((item) => {
        const obj = expectObject(item, 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }');
        const f = decodeProxyFields(obj, { name: '', listen: '', upstream: '', enabled: true });
        const enabledRaw = obj ? field(obj, 'enabled') : undefined;
        return {
          name: f.name,
          listen: f.listen,
          upstream: f.upstream,
          enabled: enabledRaw === undefined || enabledRaw === null ? undefined : f.enabled,
        };
      });
      const r = await ctx.collection.populate(entries);
      // Go marshals an empty result slice as null.
      result = {
        proxies: r.proxies.length ? r.proxies : null,
        error: r.error === undefined ? undefined : toApiError(r.error),
      };
    } catch (e) {
      result = { proxies: null, error: toApiError(bad(e)) };
    }
    if (result.error) ctx.logger.warn({ err: result.error.message }, 'populate errors');
    const out = result.error
      ? { error: result.error.message, status: result.error.status, proxies: result.proxies }
      : { proxies: result.proxies };
    return json(out, result.error ? result.error.status : 201);
  },

  async proxyShow(ctx, [name]) {
    return json(ctx.collection.get(name));
  },

  async proxyUpdate(ctx, [name], body) {
    const proxy = ctx.collection.get(name);
    let input;
    try {
      const obj = expectObject(await decode(body), 'toxiproxy.Proxy');
      input = decodeProxyFields(obj, {
        name: proxy.name,
        listen: proxy.listen,
        upstream: proxy.upstream,
        enabled: proxy.enabled,
      });
    } catch (e) {
      throw bad(e);
    }
    await proxy.update(input);
    return json(proxy);
  },

  async proxyDelete(ctx, [name]) {
    await ctx.collection.remove(name);
    return noContent;
  },

  async toxicIndex(ctx, [name]) {
    return json(ctx.collection.get(name).toxics.list().map(toxicJson));
  },

  async toxicCreate(ctx, [name], body) {
    const proxy = ctx.collection.get(name);
    let toxic: ToxicDefinition;
    try {
      const obj = expectObject(await decode(body), 'toxics.ToxicWrapper') ?? {};
      const type = stringField(obj, 'type', 'ToxicWrapper.type', '');
      const stream = stringField(obj, 'stream', 'ToxicWrapper.stream', 'downstream');
      const toxicity = float32Field(obj, 'toxicity', 'ToxicWrapper.toxicity', 1);
      let toxicName = stringField(obj, 'name', 'ToxicWrapper.name', '');
      const rawAttributes = field(obj, 'attributes');
      if (
        rawAttributes !== undefined &&
        rawAttributes !== null &&
        (typeof rawAttributes !== 'object' || Array.isArray(rawAttributes))
      )
        throw new JsonDecodeError(
          `json: cannot unmarshal ${jsonKind(rawAttributes)} into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic`,
        );
      const direction = parseDirection(stream);
      if (!direction) throw errors.invalidStream;
      if (!toxicName) toxicName = `${type}_${stream}`;
      const kind = toxicKinds.get(type);
      if (!kind) throw errors.invalidToxicType;
      if (proxy.toxics.get(toxicName)) throw errors.toxicAlreadyExists;
      toxic = {
        name: toxicName,
        type,
        stream,
        direction,
        toxicity,
        kind,
        attributes: decodeAttributes(rawAttributes, { kind }, zeroAttributes(kind)),
      };
    } catch (e) {
      throw bad(e);
    }
    return json(toxicJson(await proxy.toxics.add(toxic)));
  },

  async toxicShow(ctx, [name, toxicName]) {
    const toxic = ctx.collection.get(name).toxics.get(toxicName);
    if (!toxic) throw errors.toxicNotFound;
    return json(toxicJson(toxic));
  },

  async toxicUpdate(ctx, [name, toxicName], body) {
    const proxy = ctx.collection.get(name);
    if (!proxy.toxics.get(toxicName)) throw errors.toxicNotFound;
    const raw = await decode(body);
    const updated = await proxy.toxics.update(toxicName, (current) => {
      try {
        const obj =
          expectObject(
            raw,
            'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }',
          ) ?? {};
        return {
          attributes: decodeAttributes(field(obj, 'attributes'), current, current.attributes),
          toxicity: float32Field(obj, 'toxicity', '.toxicity', current.toxicity),
        };
      } catch (e) {
        throw bad(e);
      }
    });
    return json(toxicJson(updated));
  },

  async toxicDelete(ctx, [name, toxicName]) {
    await ctx.collection.get(name).toxics.remove(toxicName);
    return noContent;
  },

  async version() {
    return { status: 200, body: `{"version": "${serverVersion}"}\n`, contentType: 'application/json;charset=utf-8' };
  },

  async metrics(ctx) {
    const registry = ctx.metrics!;
    return { status: 200, body: await registry.metrics(), contentType: registry.contentType };
  },
} satisfies Record<string, Handler>;
