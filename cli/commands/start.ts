import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/command.js';
import { PACKAGE_ROOT } from '../lib/oclif-options.js';
import { configFile } from '../lib/settings.js';

export default class Start extends BaseCommand {
  static override summary = 'Start the server (in the foreground)';
  static override description = 'Runs the bacula-mock server in this process until SIGTERM or Ctrl-C, as the systemd unit does. The config is --config, else BACULA_MOCK_CONFIG (environment or .env), else config.yaml in the current directory or the package root, else config.yaml.dist. --port and --host override the config\'s server.port and server.host; with --port 0 the chosen port is printed as PORT=N. Logs go to stdout and the config\'s log file. A config that cannot be used is reported one problem per line, exit 2.';
  static override examples = [
    '<%= config.bin %> start',
    '<%= config.bin %> start --config /opt/bacula-mock/config.yaml',
    '<%= config.bin %> start --port 9102 --host 127.0.0.1',
  ];
  static override flags = {
    config: Flags.string({ char: 'c', description: 'config file [env: BACULA_MOCK_CONFIG]' }),
    port: Flags.integer({ char: 'p', description: 'listen on this port (0 = any free port)', min: 0, max: 65535 }),
    host: Flags.string({ description: 'bind address (0.0.0.0 = all interfaces)' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Start);
    // The one command that runs the server in-process; every other talks to it over HTTP.
    const { serve } = await import('../../src/main.js');
    await serve({ config: configFile(flags.config, process.env, process.cwd(), PACKAGE_ROOT), port: flags.port, host: flags.host });
  }
}
