import Router from '@koa/router';
import type { Context } from 'koa';
import { squash } from '../../engine/directives.js';
import { configuredClient, WRITABLE_TYPES, type Directives, type RemovedResource, type WritableType } from '../../engine/resources.js';
import type { World } from '../../engine/world.js';
import { ApiError } from '../errors.js';
import { Params } from '../params.js';
import {
  allResources, classes, classNamed, removedResources, resourceOf, resourcesOf, writableClass, type Daemon, type Target,
} from '../wire/resources.js';
import type { RouteDeps } from './index.js';

/** The query parameters of each daemon: which class and resource, and which FD or SD for those daemons. */
const PARAMS: Record<Daemon, string[]> = {
  director: ['resource', 'name'],
  filedaemon: ['resource', 'name', 'client'],
  storagedaemon: ['resource', 'name', 'storage'],
};

/** `/res/<daemon>`, `/res/<daemon>/<class>`, `/res/<daemon>/<class>/<name>` (the query can say the same). */
const paths = (daemon: Daemon): string[] => [`/${daemon}`, `/${daemon}/:type`, `/${daemon}/:type/:name`];

/** A value given both in the path and in the query must agree (classes in any case, names exactly). */
function oneOf(what: 'Resource' | 'Name', path: string | undefined, query: string | undefined): string | undefined {
  const same = (a: string, b: string): boolean => (what === 'Resource' ? a.toLowerCase() === b.toLowerCase() : a === b);
  if (path !== undefined && query !== undefined && !same(path, query)) {
    throw new ApiError('bad_request', `${what} "${path}" in the path and "${query}" in the query differ`);
  }
  return path ?? query;
}

/** Which class and resource a request is about: `/res/director/client/web-01` or `/res/director?resource=client&name=web-01`. */
function address(ctx: Context, daemon: Daemon, p: Params): { cls?: string; name?: string } {
  const params = ctx.params as { type?: string; name?: string };
  const raw = oneOf('Resource', params.type, p.string('resource'));
  const name = oneOf('Name', params.name, p.string('name'));
  if (raw === undefined) {
    if (name !== undefined) throw new ApiError('bad_request', 'Parameter "name" needs a resource class ("resource=Client")');
    return {};
  }
  const cls = classNamed(daemon, raw);
  if (!cls) throw new ApiError('not_found', `No resource class "${raw}" for the ${daemon} (classes: ${classes(daemon).join(', ')})`);
  return { cls, name };
}

/** The File daemon (`client=`, default the first client) or Storage daemon (`storage=`, default the first) asked about. */
function target(w: World, daemon: Daemon, p: Params): Target {
  if (daemon === 'filedaemon') {
    const name = p.string('client');
    const client = name === undefined ? w.catalog.clients.find((c) => !c.removed) : configuredClient(w, name);
    if (!client) throw new ApiError('not_found', name === undefined ? 'No Client is configured' : `Client "${name}" not found`);
    return { client };
  }
  if (daemon === 'storagedaemon') {
    const name = p.string('storage');
    const storage = name === undefined ? w.catalog.storages[0] : w.catalog.storageByName(name);
    if (!storage) throw new ApiError('not_found', name === undefined ? 'No Storage is configured' : `Storage "${name}" not found`);
    return { storage };
  }
  return {};
}

/** The JSON object of directives a write carries. */
function directives(ctx: Context): Directives {
  const raw = (ctx.request as unknown as { body?: unknown }).body;
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError('bad_request', 'Request body must be a JSON object of directives');
  return raw as Directives;
}

/** The class of a write: a writable Director class (and the resource's name, if the request gives one). */
function writableAddress(ctx: Context, p: Params): { type: WritableType; name?: string } {
  const { cls, name } = address(ctx, 'director', p);
  if (!cls) throw new ApiError('bad_request', 'Which resource? Give its class in the path (/res/director/client) or as "resource="');
  const type = writableClass(cls);
  if (!type) {
    throw new ApiError('method_not_allowed', `${cls} resources are read-only here (writable: ${WRITABLE_TYPES.join(', ')})`, { Allow: 'GET' });
  }
  return { type, name };
}

/** The resource a change or delete is about: its class and name. */
function namedResource(ctx: Context, p: Params): { type: WritableType; name: string } {
  const { type, name } = writableAddress(ctx, p);
  if (name === undefined) throw new ApiError('bad_request', `Which ${type}? Give its name in the path (/res/director/${type.toLowerCase()}/<name>) or as "name="`);
  return { type, name };
}

/**
 * `/res/<daemon>`: configuration resources in bdirjson's shape. Reads for the
 * Director, the File daemons and the Storage daemon; writes (create, change,
 * delete) for the Director's Clients, Jobs, FileSets, Pools and Schedules,
 * applied as journaled commands that the simulation obeys at once.
 */
export function resRoutes({ director }: RouteDeps): Router {
  const r = new Router({ prefix: '/res' });
  const reply = (ctx: Context, data: unknown): void => {
    ctx.body = { data, error: 0 };
  };
  /** The resource a write left behind, read back as a GET would. */
  const written = (type: WritableType, name: string): unknown => resourceOf(director.world, 'director', type, name, {});

  for (const daemon of Object.keys(PARAMS) as Daemon[]) {
    r.get(paths(daemon), (ctx) => {
      const p = new Params(ctx, PARAMS[daemon]);
      const { cls, name } = address(ctx, daemon, p);
      const w = director.sync();
      const t = target(w, daemon, p);
      if (!cls) return reply(ctx, allResources(w, daemon, t));
      if (name === undefined) return reply(ctx, resourcesOf(w, daemon, cls, t));
      const found = resourceOf(w, daemon, cls, name, t);
      if (!found) throw new ApiError('not_found', `${cls} resource "${name}" not found`);
      reply(ctx, found);
    });
  }

  const path = paths('director');
  r.post(path, (ctx) => {
    const p = new Params(ctx, PARAMS.director);
    const { type, name: given } = writableAddress(ctx, p);
    const body = directives(ctx);
    const inBody = Object.entries(body).find(([k]) => squash(k) === 'name')?.[1];
    const name = given ?? (typeof inBody === 'string' ? inBody : undefined);
    if (name === undefined) throw new ApiError('bad_request', `${type}: "Name" is required (in the body, the path or as "name=")`);
    director.command({ op: 'res_create', resource: type, name, directives: body });
    reply(ctx, written(type, name));
  });

  for (const method of ['put', 'patch'] as const) {
    r[method](path, (ctx) => {
      const p = new Params(ctx, PARAMS.director);
      const { type, name } = namedResource(ctx, p);
      director.command({ op: 'res_update', resource: type, name, directives: directives(ctx), replace: method === 'put' });
      reply(ctx, written(type, name));
    });
  }

  r.delete(path, (ctx) => {
    const p = new Params(ctx, PARAMS.director);
    const { type, name } = namedResource(ctx, p);
    const removed = director.command({ op: 'res_delete', resource: type, name }) as RemovedResource[];
    reply(ctx, removedResources(removed));
  });

  return r;
}
