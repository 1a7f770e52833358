// The official Node.js client, npm `3scale` 0.7.6, against threescale-sandbox.
// The client speaks only HTTPS, so the sandbox runs with --tls-addr and Node
// trusts its self-signed certificate through NODE_EXTRA_CA_CERTS:
//
//   threescale-sandbox serve --tls-addr 127.0.0.1:3443    # prints the certificate's path
//   NODE_EXTRA_CA_CERTS=/tmp/threescale-sandbox-1234.pem THREESCALE_PORT=3443 npm test
const { test } = require('node:test');
const assert = require('node:assert');
const { Client } = require('3scale');

const host = process.env.THREESCALE_HOST || '127.0.0.1';
const port = Number(process.env.THREESCALE_PORT || 3443);
// The default world's Echo API (app_id + app_key, referrer filters).
const service = {
  service_token: process.env.THREESCALE_SERVICE_TOKEN || 'echo-service-token',
  service_id: process.env.THREESCALE_SERVICE_ID || '2555417735001',
};
const app = {
  app_id: process.env.THREESCALE_APP_ID || 'echo-app-id',
  app_key: process.env.THREESCALE_APP_KEY || 'echo-app-key',
  referrer: process.env.THREESCALE_REFERRER || 'www.example.com',
};

const call = (client, method, options) =>
  new Promise((resolve) => client[method](options, resolve));

const hitsToday = (response) =>
  response.usage_reports.find((r) => r.metric === 'hits' && r.period === 'day');

test('authrep, report and authorize over TLS', async () => {
  const client = new Client({ host, port });
  const before = await call(client, 'authorize', { ...service, ...app });
  assert.ok(before.is_success(), `authorize: ${before.error_message}`);
  const used = Number(hitsToday(before).current_value);

  const authrep = await call(client, 'authrep', { ...service, ...app, usage: { hits: 1 } });
  assert.ok(authrep.is_success(), `authrep: ${authrep.error_message}`);
  assert.strictEqual(Number(hitsToday(authrep).current_value), used + 1);

  // report sends its credential at the top only with a provider key: the
  // README's service_token inside each transaction is refused (403), by
  // the real backend too.
  const reporter = new Client(process.env.THREESCALE_PROVIDER_KEY || 'acme-provider-key', { host, port });
  const report = await new Promise((resolve) =>
    reporter.report(service.service_id, [{ app_id: app.app_id, usage: { hits: 2 } }], resolve));
  assert.ok(report.is_success(), `report: ${report.error_message}`);

  const after = await call(client, 'authorize', { ...service, ...app });
  assert.strictEqual(Number(hitsToday(after).current_value), used + 3);
});

test('denials and errors', async () => {
  const client = new Client({ host, port });
  const wrongKey = await call(client, 'authorize', { ...service, ...app, app_key: 'wrong-key' });
  assert.strictEqual(wrongKey.is_success(), false);
  assert.strictEqual(wrongKey.status_code, 409);
  assert.strictEqual(wrongKey.error_message, 'application key "wrong-key" is invalid');

  const unknown = await call(client, 'authorize', { ...service, ...app, app_id: 'no-such-app' });
  assert.strictEqual(unknown.is_success(), false);
  assert.strictEqual(unknown.error_code, 'application_not_found');
  assert.strictEqual(unknown.error_message, 'application with id="no-such-app" was not found');
});
