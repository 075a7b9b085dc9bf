import Router from '@koa/router';
import type { Context } from 'koa';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../config.js';
import { ApiError } from '../errors.js';
import { JSON_TYPE } from '../headers.js';
import type { RouteModule } from './index.js';

/** The API description every page and test reads: docs/openapi.yaml. */
const OPENAPI_FILE = join(ROOT, 'docs', 'openapi.yaml');

/**
 * The documentation pages run only scripts and styles served from here: no CDN,
 * no inline script. Swagger UI and ReDoc set inline styles (style-src
 * 'unsafe-inline'), ReDoc runs its search index in a blob: worker, and both
 * fetch only the spec and, for "Try it out", the API itself ('self').
 */
const DOCS_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "font-src 'self' data:", "connect-src 'self'", "worker-src 'self' blob:", "base-uri 'none'",
  "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png',
};

/** Files of the swagger-ui-dist package the /docs page loads, served as /docs/<name>. */
const SWAGGER_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png'];

/** Directory of an installed npm package, or null when it is not installed. */
function packageDir(name: string): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

const SWAGGER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bacula-mock API — Swagger UI</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

/** Swagger UI's start-up, as a file because the page allows no inline script. validatorUrl null: no call to validator.swagger.io. */
const SWAGGER_INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
`;

const REDOC_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>bacula-mock API — ReDoc</title>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/redoc/redoc.standalone.js"></script>
</body>
</html>
`;

/** Sends a page or script built here, with the documentation CSP. */
function page(ctx: Context, type: string, text: string): void {
  ctx.type = type;
  ctx.set('Content-Security-Policy', DOCS_CSP);
  ctx.body = text;
}

/** Streams one file of an installed package; 404 with the reason when the package is missing. */
function asset(ctx: Context, dir: string | null, pkg: string, file: string): void {
  const path = dir && join(dir, file);
  if (!path || !existsSync(path)) throw new ApiError('not_found', `${file} is not available: the npm package ${pkg} is missing or incomplete`);
  ctx.type = TYPES[file.slice(file.lastIndexOf('.'))];
  ctx.body = createReadStream(path);
}

/**
 * The API description as JSON and YAML, Swagger UI at /docs and ReDoc at
 * /redoc, both from locally installed npm packages. docs/openapi.yaml is read
 * at start but parsed only the first time its JSON form is asked for: parsing
 * the 185 KB document took a good part of every start, which tests and
 * scripts pay many times.
 */
export const docsRoutes: RouteModule = () => {
  const yamlText = readFileSync(OPENAPI_FILE, 'utf8');
  let json: string | undefined;
  const swaggerDir = packageDir('swagger-ui-dist');
  const redocDir = packageDir('redoc');
  const router = new Router();

  router.get('/openapi.json', (ctx) => {
    ctx.type = JSON_TYPE;
    ctx.body = json ??= JSON.stringify(parse(yamlText));
  });
  router.get('/openapi.yaml', (ctx) => {
    ctx.type = 'application/yaml; charset=utf-8';
    ctx.body = yamlText;
  });
  router.get('/docs', (ctx) => {
    if (!swaggerDir) throw new ApiError('not_found', 'Swagger UI is not available: the npm package swagger-ui-dist is not installed (ReDoc is at /redoc)');
    page(ctx, 'text/html; charset=utf-8', SWAGGER_PAGE);
  });
  router.get('/docs/init.js', (ctx) => page(ctx, TYPES['.js'], SWAGGER_INIT));
  for (const file of SWAGGER_ASSETS) router.get(`/docs/${file}`, (ctx) => asset(ctx, swaggerDir, 'swagger-ui-dist', file));
  router.get('/redoc', (ctx) => page(ctx, 'text/html; charset=utf-8', REDOC_PAGE));
  router.get('/redoc/redoc.standalone.js', (ctx) => asset(ctx, redocDir && join(redocDir, 'bundles'), 'redoc', 'redoc.standalone.js'));
  return router;
};
