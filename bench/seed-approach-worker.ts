/**
 * Runs the fork's approach when asked, in a process of its own as the fork ran: its memory and garbage stay out of
 * the exporter's figures, and its runs can sit between the exporter's refreshes. Messages in: the client config;
 * out: 'ready' once loaded, then one SeedApproachResult per run.
 */
import type pg from 'pg';
import { runSeedApproach } from './seed-approach.js';

process.on('message', (config: pg.ClientConfig) => {
  void runSeedApproach(config, true).then(
    (result) => process.send!(result),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
process.send!('ready');
