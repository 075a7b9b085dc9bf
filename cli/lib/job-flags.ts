import { Flags } from '@oclif/core';

/** `--wait`: follow a queued job to its end. */
export const waitFlag = {
  wait: Flags.boolean({ description: 'follow the job: print its log lines as they are written, exit 0 only if it ends OK (T)', exclusive: ['raw'] }),
};
