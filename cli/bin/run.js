#!/usr/bin/env node
// The `bacula-mock` command. It runs the compiled CLI in dist/cli (built by
// `npm install` through the `prepare` script, or `npm run build`).

// oclif checks on every start that Node satisfies its own `engines`, loading
// the whole of semver to do it (a good part of its start-up). The package's
// own `engines` (node >= 20) is stricter, and npm checks it at install.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true';

process.stdout.on('error', (err) => {
  // `bacula-mock jobs 10000 --raw | head` closes the pipe early: not an error.
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const { oclifStart, saveManifest } = await import('../../dist/cli/lib/oclif-options.js');
const start = oclifStart();
const { execute, Plugin, settings } = await import('@oclif/core');
// Never look for TypeScript sources to transpile (oclif does so when NODE_ENV
// is "development" or "test", which a test runner may set).
settings.enableAutoTranspile = false;
let loadOptions = start.options;
if (!start.fresh) {
  // First run after a build: oclif reads every command once; keep what it learnt,
  // and run with it (also when it could not be saved).
  const plugin = new Plugin({ ...start.options, isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
  await plugin.load();
  saveManifest(plugin.manifest, start.fingerprint);
  loadOptions = { ...start.options, plugins: new Map([[plugin.name, plugin]]) };
}
await execute({ dir: import.meta.url, loadOptions });
