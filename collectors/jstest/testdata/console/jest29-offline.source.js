// Captured as jest29-offline.json and .txt: Jest 29.7.0 on Node 20, run as
// preflight runs it (jest --ci --json --testLocationInResults --outputFile=…)
// in a package of its own with testEnvironment node, paths made /repo.
const https = require('https');
const http = require('http');

const get = (mod, url) => new Promise((resolve, reject) => {
  mod.get(url, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
});

// A host of the reserved .invalid domain is found nowhere: the test fails
// for want of the network on every machine.
test('downloads the release notes', async () => {
  await get(https, 'https://downloads.preflight.invalid/notes.txt');
});

test('fetches the release notes', async () => {
  await fetch('https://downloads.preflight.invalid/notes.txt');
});

// A local server that is not there is the test's own failure.
test('asks the local server', async () => {
  await get(http, 'http://127.0.0.1:1/notes.txt');
});

test('needs nothing', () => {
  expect(1 + 1).toBe(2);
});
