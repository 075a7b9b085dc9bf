import type Router from '@koa/router';
import type { Config } from '../config.js';
import type { LiveDirector } from '../director.js';
import { catRoutes } from './cat.js';
import { cmdRoutes } from './cmd.js';

/** What every route module is given. */
export interface RouteDeps {
  config: Config;
  director: LiveDirector;
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
];

/** Areas that need no credentials (documentation pages), mounted before the guard. */
export const OPEN_ROUTES: RouteModule[] = [];
