import { ApiCommand, rawFlag } from '../lib/command.js';
import type { Answer } from '../lib/http.js';

interface Token {
  access_token: string;
  token_type: string;
  expires_in: number;
}

export default class TokenCommand extends ApiCommand {
  static override summary = 'Request an OAuth2 access token';
  static override description = 'Calls POST /oauth/token with the user and password and prints the access token alone (its type and lifetime go to stderr), so `TOKEN=$(bacula-mock token)` works. Tokens live 12 seconds by default.';
  static override examples = [
    '<%= config.bin %> token',
    'curl -H "Authorization: Bearer $(<%= config.bin %> token)" http://localhost:9101/cat/Client',
    '<%= config.bin %> token --raw',
  ];
  static override flags = { ...rawFlag };

  async run(): Promise<Token> {
    const { flags } = await this.parse(TokenCommand);
    const api = this.connect(flags);
    const s = api.settings;
    const answer: Answer<Token> = await api.post<Token>('/oauth/token', { username: s.user.value, password: s.password.value }, { auth: false });
    const t = answer.json;
    if (flags.raw) this.printRaw(answer);
    else if (!this.jsonEnabled()) {
      this.print(t.access_token);
      if (process.stderr.isTTY) this.note(`(${t.token_type} token, expires in ${t.expires_in} s)`);
    }
    return t;
  }
}
