/**
 * `npm start`: the emulator's command line (emulator/cli.ts, same flags) with this project's wiring and
 * the demo data written into an empty database.
 */
import { failed, runCli } from '../emulator/cli';
import { DEMO_PASSWORD, seedDemo } from '../fixtures/demo';
import { LOCAL_EMULATOR_OPTIONS } from '../fixtures/local-emulator';

runCli(process.argv.slice(2), {
  options: LOCAL_EMULATOR_OPTIONS,
  async afterStart(emulator) {
    const demo = await seedDemo(emulator);
    return {
      dataNote: demo.created ? '  (new demo data)' : '  (existing data kept; --reset for a fresh demo)',
      lines: [
        'demo identities (openid → who; password for all: ' + DEMO_PASSWORD + '):',
        ...demo.identities.map((d) => `  ${d.openid.padEnd(24)} ${d.description}`),
      ],
    };
  },
}).catch(failed);
