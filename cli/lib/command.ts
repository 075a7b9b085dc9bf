import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { stripVTControlCharacters } from 'node:util';
import { colorEnabled, painter, type Paint } from './color.js';
import { CliError } from './errors.js';
import { Api, type Answer, type Envelope } from './http.js';
import { PACKAGE_ROOT } from './oclif-options.js';
import { resolveSettings, type SettingFlags } from './settings.js';

/**
 * What every command shares: one line on stderr and the catalogue's exit code
 * for any error (oclif's own handling would print a boxed message, and exits 1
 * in `--json` mode whatever the error), plain JSON for `--json`, colour only
 * on a terminal.
 */
export abstract class BaseCommand extends Command {
  protected readonly paint: Paint = painter(colorEnabled());

  /** Writes lines to stdout. */
  protected print(text: string): void {
    process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }

  /** A note for people (stderr, so it never mixes with output a script reads). */
  protected note(text: string): void {
    process.stderr.write(text + '\n');
  }

  /** oclif's parser, with every refusal (an arg's own parse error included) reported as bad usage. */
  protected override async parse<F extends Record<string, any>, B extends Record<string, any>, A extends Record<string, any>>(
    options?: Interfaces.Input<F, B, A>, argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv);
    } catch (e) {
      throw e instanceof CliError ? e : usageError(e as Error, `${this.config.bin} ${this.id ?? ''}`.trim());
    }
  }

  override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  }

  protected override async catch(err: Error): Promise<void> {
    const e = toCliError(err, `${this.config.bin} ${this.id ?? ''}`.trim());
    if (this.jsonEnabled()) this.logJson({ error: { kind: e.kind, message: e.message, exit: e.exit } });
    this.complain(e);
  }

  /** Says what went wrong on stderr, in one line, and sets the exit code; the command may go on. */
  protected complain(e: CliError): void {
    process.stderr.write(`${painter(colorEnabled(process.stderr))('red', `${this.config.bin}:`)} ${e.message}\n`);
    process.exitCode = e.exit;
  }
}

/** Any error as a CliError: oclif's parse errors are bad usage, anything unforeseen is internal. */
function toCliError(err: Error, command: string): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof Errors.CLIError) return usageError(err, command);
  return new CliError('internal', `internal error: ${process.env.DEBUG ? err.stack : err.message}`);
}

/** A refusal of the command line, in one line with a pointer to the help. */
function usageError(err: Error, command: string): CliError {
  return new CliError('bad_request', `${usageLines(err.message).join('; ')} (see ${command} --help)`);
}

const EXCLUSIVE = /^--([\w-]+)(?:=\S*)? cannot also be provided when using --([\w-]+)$/;

/**
 * oclif's several-line usage messages as one reason a line: `Parsing --port`
 * joined to the reason on the next line, a missing argument with its
 * description, a conflict of two flags said once (oclif says it from both
 * sides), its dimmed colour and its "See more help" dropped.
 */
function usageLines(message: string): string[] {
  const lines = stripVTControlCharacters(message).split('\n').map((l) => l.trim().replace(/^The following errors? occurred:\s*/, ''))
    .filter((l) => l && !/^See more help with/.test(l));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const parsing = /^Parsing (--[\w-]+)$/.exec(line);
    const missing = /^Missing \d+ required args?:$/.test(line);
    const conflict = EXCLUSIVE.exec(line);
    if (parsing && i + 1 < lines.length) {
      const why = lines[++i];
      // A flag's own parse function may name the flag already.
      out.push(why.startsWith(parsing[1]) ? why : `${parsing[1]}: ${why}`);
    } else if (missing) {
      const args: string[] = [];
      while (i + 1 < lines.length && /^\w[\w-]*( {2,}|$)/.test(lines[i + 1])) {
        const [name, description] = lines[++i].split(/ {2,}(.*)/);
        args.push(description ? `<${name}>: ${description}` : `<${name}>`);
      }
      out.push(`${line.slice(0, -1)} ${args.join(', ')}`.trim());
    } else if (conflict) {
      // In one order whichever side oclif said it from, so the Set below keeps it once.
      const [a, b] = [conflict[1], conflict[2]].sort();
      out.push(`--${a} cannot also be provided when using --${b}`);
    } else out.push(line);
  }
  return [...new Set(out)];
}

const connection = 'CONNECTION';

/** Flags of every command that talks to a server; each falls back to its BACULA_MOCK_* variable. */
export const connectionFlags = {
  host: Flags.string({ helpGroup: connection, description: 'server host [env: BACULA_MOCK_HOST] (default: 127.0.0.1)' }),
  port: Flags.integer({ helpGroup: connection, min: 1, max: 65535, description: 'server port [env: BACULA_MOCK_PORT] (default: 9101)' }),
  user: Flags.string({ helpGroup: connection, description: 'API user [env: BACULA_MOCK_USER] (default: admin)' }),
  password: Flags.string({ helpGroup: connection, description: 'API password [env: BACULA_MOCK_PASSWORD] (default: bacula2026)' }),
  tls: Flags.boolean({ helpGroup: connection, allowNo: true, description: 'use HTTPS [env: BACULA_MOCK_TLS=true|false]' }),
  ca: Flags.string({ helpGroup: connection, description: 'CA or certificate file (PEM) to trust for HTTPS [env: BACULA_MOCK_CA]' }),
  insecure: Flags.boolean({ helpGroup: connection, allowNo: true, description: 'do not verify the HTTPS certificate [env: BACULA_MOCK_INSECURE=true|false]' }),
};

/** `--raw`: the answer exactly as the server sent it. */
export const rawFlag = {
  raw: Flags.boolean({ helpGroup: 'OUTPUT', description: "print the server's JSON exactly as received", exclusive: ['json'] }),
};

/** A command that talks to the server over HTTP. */
export abstract class ApiCommand extends BaseCommand {
  static override baseFlags = connectionFlags;
  static override enableJsonFlag = true;

  private client: Api | undefined;

  /** The HTTP client for the settings the flags, environment and `.env` files give. */
  protected connect(flags: SettingFlags): Api {
    this.client = new Api(resolveSettings(flags, process.env, process.cwd(), PACKAGE_ROOT));
    return this.client;
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    this.client?.close();
    await super.finally(err);
  }

  /**
   * Prints an answer as asked: its bytes for `--raw` (plus a newline on a
   * terminal), nothing for `--json` (oclif prints what `run` returns), else
   * what `human` makes of its `data`. Returns `data`.
   */
  protected show<T>(answer: Answer<Envelope<T>>, raw: boolean | undefined, human: (data: T) => string): T {
    if (raw) this.printRaw(answer);
    else if (!this.jsonEnabled()) this.print(human(answer.json.data));
    return answer.json.data;
  }

  protected printRaw(answer: Answer): void {
    process.stdout.write(answer.text + (process.stdout.isTTY ? '\n' : ''));
  }
}
