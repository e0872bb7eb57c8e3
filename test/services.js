// The real services some tests talk to (RabbitMQ, Redis), probed once when Jest loads its configuration.
// Reachable: the `services` project runs. Unreachable: it is skipped with one line saying so, unless
// SHOP_REQUIRE_SERVICES=true (.ci/run), which fails naming the service instead.
const { spawnSync } = require('node:child_process');

const SERVICES = [
  { name: 'RabbitMQ', env: 'AMQP_URL', fallback: 'amqp://guest:guest@127.0.0.1:5672' },
  { name: 'Redis', env: 'REDIS_URL', fallback: 'redis://127.0.0.1:6379' },
];

const endpointOf = (url) => {
  const parsed = new URL(url);
  const port = Number(parsed.port) || (parsed.protocol.startsWith('amqp') ? 5672 : 6379);
  return { host: parsed.hostname || '127.0.0.1', port };
};

// A synchronous TCP probe: Jest reads its configuration synchronously.
const PROBE = `
const net = require('node:net');
const targets = JSON.parse(process.argv[1]);
Promise.all(targets.map(({ host, port }) => new Promise((resolve) => {
  const socket = net.connect({ host, port });
  const done = (ok) => { socket.destroy(); resolve(ok); };
  socket.setTimeout(1500, () => done(false));
  socket.once('connect', () => done(true));
  socket.once('error', () => done(false));
}))).then((ok) => process.stdout.write(JSON.stringify(ok)));
`;

const probeServices = () => {
  const services = SERVICES.map((s) => {
    const url = process.env[s.env] || s.fallback;
    return { ...s, url, ...endpointOf(url) };
  });
  const result = spawnSync(process.execPath, ['-e', PROBE, JSON.stringify(services)], {
    encoding: 'utf8',
    timeout: 5000,
  });
  let reachable = [];
  try {
    reachable = JSON.parse(result.stdout);
  } catch {
    reachable = services.map(() => false);
  }
  const missing = services.filter((_, i) => !reachable[i]);
  return { services, missing };
};

module.exports = { probeServices };
