// The three browser engines, driven through WebDriver (selenium-webdriver
// talking to drivers started here, so nothing is downloaded):
// - Chromium (Blink, V8): Debian's chromium + chromedriver;
// - Firefox ESR (Gecko, SpiderMonkey): Debian's firefox-esr + geckodriver
//   (built from crates by scripts/setup.sh --engines);
// - WebKitGTK's MiniBrowser (WebKit, JavaScriptCore: Safari's engine):
//   Debian's webkit2gtk-driver, under Xvfb since it needs a display.
// Each browser runs with the TZ it is given: an engine's own Date.parse and
// the library's default zone follow the process's zone.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { Builder } from 'selenium-webdriver';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const GECKODRIVER = process.env.GECKODRIVER ?? [join(homedir(), '.cargo/bin/geckodriver'), '/usr/local/bin/geckodriver'].find(existsSync) ?? 'geckodriver';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** Version strings of the engines, for the report. */
export function engineVersions() {
  const version = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    chromium: version('/usr/bin/chromium', ['--version']),
    firefox: version('/usr/bin/firefox-esr', ['--version']),
    webkit: `WebKitGTK ${version('dpkg-query', ['-W', '-f', '${Version}', 'libwebkit2gtk-4.1-0'])}`,
  };
}

let display;
/** An X display for WebKitGTK: the caller's, or an Xvfb started once. */
async function ensureDisplay() {
  if (process.env.DISPLAY) return process.env.DISPLAY;
  if (display) return display.name;
  for (let n = 90; n < 110; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const child = spawn('Xvfb', [`:${n}`, '-screen', '0', '1366x900x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 700));
    if (child.exitCode === null) {
      display = { name: `:${n}`, child };
      // A running child keeps Node's event loop alive: without unref the
      // test file never ends (and `exit` never comes) when no DISPLAY was
      // given, as on a fresh CI machine.
      child.unref();
      process.once('exit', () => child.kill());
      return display.name;
    }
  }
  throw new Error('no free X display for Xvfb');
}

/**
 * Starts `engine` with the process time zone `tz`; returns a WebDriver
 * session and `close()`.
 */
export async function startEngine(engine, { tz = 'UTC', width = 1366, height = 900 } = {}) {
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), `engine-${engine}-`));
  const env = { ...process.env, TZ: tz };
  let command;
  let capabilities;
  if (engine === 'chromium') {
    command = ['/usr/bin/chromedriver', [`--port=${port}`]];
    capabilities = {
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, `--window-size=${width},${height}`],
      },
    };
  } else if (engine === 'firefox') {
    command = [GECKODRIVER, [`--port=${port}`, '--host=127.0.0.1']];
    capabilities = {
      browserName: 'firefox',
      'moz:firefoxOptions': { binary: '/usr/bin/firefox-esr', args: ['-headless', `--width=${width}`, `--height=${height}`], prefs: { 'network.proxy.type': 0, 'app.update.enabled': false } },
    };
  } else if (engine === 'webkit') {
    env.DISPLAY = await ensureDisplay();
    command = ['/usr/bin/WebKitWebDriver', [`--port=${port}`]];
    capabilities = { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } };
  } else {
    throw new Error(`unknown engine ${engine}`);
  }
  const child = spawn(command[0], command[1], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const started = Date.now();
  let driver;
  for (;;) {
    try {
      driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(capabilities).build();
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() - started > 30_000) {
        child.kill();
        throw new Error(`${engine}: could not start a session: ${error.message}\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  await driver.manage().setTimeouts({ script: 300_000, pageLoad: 60_000 });
  if (engine === 'webkit') await driver.manage().window().setRect({ width, height });
  return {
    driver,
    async close() {
      await driver.quit().catch(() => {});
      child.kill();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
