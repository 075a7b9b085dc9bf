import type Router from '@koa/router';
import type { Config } from '../config.js';
import type { AnswerCache } from '../cache.js';
import type { LiveDirector } from '../director.js';
import { docsRoutes } from './docs.js';
import { catRoutes } from './cat.js';
import { cmdRoutes } from './cmd.js';
import { statusRoutes } from './status.js';
import { eventsRoutes } from './events.js';
import { resRoutes } from './res.js';
import { bvfsRoutes } from './bvfs.js';

/** What every route module is given. */
export interface RouteDeps {
  config: Config;
  director: LiveDirector;
  /** kept answers of read-only GET routes (app.ts serves a current one before matching routes) */
  answers: AnswerCache;
}

/** A module of authenticated routes: one area of the API (catalog, commands, status, ...). */
export type RouteModule = (deps: RouteDeps) => Router;

/**
 * Every authenticated area of the API, mounted behind the auth guard in this
 * order. A new area adds one line here and nothing in app.ts.
 */
export const GUARDED_ROUTES: RouteModule[] = [
  catRoutes,
  cmdRoutes,
  statusRoutes,
  eventsRoutes,
  resRoutes,
  bvfsRoutes,
];

/** Areas that need no credentials (documentation pages), mounted before the guard. */
export const OPEN_ROUTES: RouteModule[] = [docsRoutes];
