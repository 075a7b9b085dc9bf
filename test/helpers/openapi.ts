/**
 * Checks answers against docs/openapi.yaml, so a response that drifts from
 * the published description fails the test that received it.
 *
 *   import { assertResponse } from './helpers/openapi.js';
 *   const r = await api(s.url, '/cat/Job?limit=5');
 *   assertResponse(t, 'GET', '/cat/Job', r.status, r.body);
 *
 * `pathTemplate` is the path as the spec writes it (`/cat/Job`, `/docs/{asset}`),
 * without the query string. The body is checked against the JSON schema of that
 * operation's response for `status` (or its `4XX`/`default` entry). A 405 on a
 * path the spec has is checked against `components/responses/MethodNotAllowed`.
 * Rows have `additionalProperties: false`, so an extra or misnamed field fails.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { parse } from 'yaml';
import { ROOT } from './server.js';

type Json = Record<string, any>;

/** The parsed OpenAPI document. */
export const spec: Json = parse(readFileSync(join(ROOT, 'docs', 'openapi.yaml'), 'utf8'));

const SPEC_ID = 'openapi.json';
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
// OpenAPI's additions to JSON Schema: annotations, not checks.
ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
// The whole document under one id, so `#/components/...` refs resolve inside it.
// Its top-level keys are not schema keywords: declare them so strict mode only
// judges the schemas reached through refs.
ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components', 'security', 'webhooks', 'jsonSchemaDialect']);
ajv.addSchema(spec, SPEC_ID);

const pointer = (...parts: string[]): string => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const cache = new Map<string, ValidateFunction>();

/** The JSON schema location of `method pathTemplate → status`, or why there is none. */
function responseSchemaRef(method: string, pathTemplate: string, status: number): { ref?: string; why?: string } {
  const item = spec.paths?.[pathTemplate];
  if (!item) return { why: `the spec has no path ${pathTemplate}` };
  const m = method.toLowerCase();
  const op = item[m];
  if (!op) {
    if (status === 405) return { ref: pointer('components', 'responses', 'MethodNotAllowed', 'content', 'application/json', 'schema') };
    return { why: `the spec has no operation ${method.toUpperCase()} ${pathTemplate}` };
  }
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => op.responses?.[k]);
  if (!key) return { why: `${method.toUpperCase()} ${pathTemplate} does not document status ${status} (documented: ${Object.keys(op.responses ?? {}).join(', ')})` };
  let response = op.responses[key];
  let base = ['paths', pathTemplate, m, 'responses', key];
  if (response.$ref) {
    base = (response.$ref as string).replace(/^#\//, '').split('/');
    response = base.reduce((o: Json, k) => o[k], spec);
  }
  if (!response.content?.['application/json']?.schema) return { why: `${method.toUpperCase()} ${pathTemplate} ${status} has no application/json schema` };
  return { ref: pointer(...base, 'content', 'application/json', 'schema') };
}

/**
 * Why `value` does not match the schema at `ref`, a JSON pointer into the spec
 * (`#/components/schemas/JobRow`): one line per violation
 * (`/data/0/jobid: must be integer`); empty when it conforms.
 */
export function schemaErrors(ref: string, value: unknown): string[] {
  let validate = cache.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: SPEC_ID + ref });
    cache.set(ref, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, 20).map((e) => {
    const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"`
      : e.keyword === 'enum' || e.keyword === 'const' ? ` ${JSON.stringify(e.params)}` : '';
    return `${e.instancePath || '/'}: ${e.message}${extra}`;
  });
}

/** Like `schemaErrors`, for the response the spec promises for `method pathTemplate → status`. */
export function responseErrors(method: string, pathTemplate: string, status: number, body: unknown): string[] {
  const { ref, why } = responseSchemaRef(method, pathTemplate, status);
  return ref ? schemaErrors(ref, body) : [why!];
}

/** Fails the test (one assertion) when `body` violates the spec's response schema; returns whether it conformed. */
export function assertResponse(t: Test, method: string, pathTemplate: string, status: number, body: unknown): boolean {
  const errors = responseErrors(method, pathTemplate, status, body);
  t.ok(errors.length === 0, `${method.toUpperCase()} ${pathTemplate} ${status} matches the OpenAPI spec`, errors.length ? { errors } : {});
  return errors.length === 0;
}
