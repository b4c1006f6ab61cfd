#!/usr/bin/env node
// Checks what a fresh machine needs before `npm start` / `npm test`, with one clear line per problem.
const { spawnSync } = require('node:child_process');

const problems = [];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  problems.push(`Node ${process.versions.node} is running; Node 22.12+ is needed. Run through npm scripts (they use the pinned node from node_modules/.bin) after \`npm ci\`.`);
}
const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
const version = /version "(\d+)/.exec(`${java.stderr ?? ''}${java.stdout ?? ''}`);
if (java.error || java.status !== 0) {
  problems.push('Java 17+ is needed for DynamoDB Local and was not found. Install it: apt-get install -y openjdk-17-jre-headless');
} else if (version && Number(version[1]) < 17) {
  problems.push(`Java ${version[1]} found; DynamoDB Local needs Java 17+. Install openjdk-17-jre-headless.`);
}
// The browser tests (npm test) drive Debian's Chromium; `npm start` does not need it.
if (process.env.npm_lifecycle_event === 'pretest') {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!require('node:fs').existsSync(chromium)) {
    problems.push(`Chromium is needed for the browser tests and was not found at ${chromium}. Install it: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
}
if (problems.length) {
  for (const problem of problems) console.error(`✖ ${problem}`);
  process.exit(1);
}
