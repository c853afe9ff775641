// Captured as jest25-console-refused.json and .txt: Jest 25.5 on Node 20, run as
// preflight runs it (jest --ci --json --testLocationInResults --outputFile=…),
// paths made /repo, no MySQL on the machine. As @nestjs/typeorm does, the
// beforeEach retries the connection and logs each refusal; the hook times
// out and the test fails on what it did not set up. src/db.spec.js:

// // Mimics @nestjs/typeorm: retry the MySQL connection, log each refusal, never reject within the test timeout.
// const net = require('net');
// const connect = () => new Promise((res, rej) => { const s = net.connect(3306, '127.0.0.1'); s.on('connect', () => res(s)); s.on('error', rej); });
// async function connectWithRetry() {
//   for (let i = 1; i <= 9; i++) {
//     try { return await connect(); } catch (e) {
//       console.error(`[ExceptionHandler] Unable to connect to the database. Retrying (${i})...\n${e.stack}`);
//       await new Promise(r => setTimeout(r, 3000));
//     }
//   }
// }
// describe('TagController', () => {
//   let svc;
//   beforeEach(async () => { await connectWithRetry(); svc = { findAll() {} }; });
//   it('should return an array of tags', async () => { jest.spyOn(svc, 'findAll'); });
// });
