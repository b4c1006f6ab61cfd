import type { LookupAddress } from 'node:dns';
import { ALLOW_LOOPBACK_ENV, checkedLookup, postWebhook, refusedAddressKind, urlProblem } from '../../functions/webhooks/outbound';

/** The outbound guard: which addresses and URLs a webhook may never reach. No request leaves the machine. */

const allowLoopback = (allowed: boolean) => {
  if (allowed) process.env[ALLOW_LOOPBACK_ENV] = '1';
  else delete process.env[ALLOW_LOOPBACK_ENV];
};
afterEach(() => allowLoopback(false));

describe('address classification', () => {
  it.each([
    ['169.254.169.254', 'the cloud metadata address'],
    ['fd00:ec2::254', 'the cloud metadata address'],
    ['127.0.0.1', 'a loopback address'],
    ['127.255.1.2', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['10.0.0.1', 'a private address'],
    ['172.16.5.4', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['100.64.0.1', 'a shared (CGNAT) address'],
    ['100.127.255.254', 'a shared (CGNAT) address'],
    ['169.254.10.10', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['fc00::1', 'a unique-local address'],
    ['fd12:3456::1', 'a unique-local address'],
    ['224.0.0.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['0.0.0.0', 'a reserved address'],
    ['240.0.0.1', 'a reserved address'],
    ['255.255.255.255', 'a reserved address'],
    ['192.0.2.10', 'a reserved address'],
    ['198.18.0.1', 'a reserved address'],
    ['::', 'a reserved address'],
    ['2001:db8::1', 'a reserved address'],
    ['64:ff9b::a00:1', 'a reserved address'],
    ['2002:a00:1::1', 'a reserved address'],
  ])('refuses %s as %s', (address, kind) => {
    expect(refusedAddressKind(address)).toBe(kind);
  });

  it.each([
    ['::ffff:10.0.0.1', 'a private address'],
    ['::ffff:a00:1', 'a private address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:169.254.169.254', 'the cloud metadata address'],
    ['::ffff:100.64.0.1', 'a shared (CGNAT) address'],
  ])('sees through the IPv4-mapped IPv6 address %s (%s)', (address, kind) => {
    expect(refusedAddressKind(address)).toBe(kind);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('lets %s through', (address) => {
    expect(refusedAddressKind(address)).toBeUndefined();
  });

  it('lets loopback through only with the local switch, and nothing else', () => {
    allowLoopback(true);
    expect(refusedAddressKind('127.0.0.1')).toBeUndefined();
    expect(refusedAddressKind('127.1.2.3')).toBeUndefined();
    expect(refusedAddressKind('::1')).toBeUndefined();
    expect(refusedAddressKind('::ffff:127.0.0.1')).toBeUndefined();
    expect(refusedAddressKind('10.0.0.1')).toBe('a private address');
    expect(refusedAddressKind('169.254.169.254')).toBe('the cloud metadata address');
    expect(refusedAddressKind('fd00:ec2::254')).toBe('the cloud metadata address');
    expect(refusedAddressKind('0.0.0.0')).toBe('a reserved address');
  });
});

describe('urlProblem (checked when an endpoint is saved)', () => {
  it.each(['https://hooks.example.com/in', 'https://hooks.example.com:8443/in?x=1', 'https://93.184.215.14/in', 'https://[2606:4700::1111]/in'])('accepts %s', (url) => {
    expect(urlProblem(url)).toBeUndefined();
  });

  it.each([
    ['not a url', 'Not a valid URL'],
    ['http://hooks.example.com/in', 'The URL must use https'],
    ['ftp://hooks.example.com/in', 'The URL must use https'],
    ['https://user:pass@hooks.example.com/in', 'The URL must not contain a user name or password'],
    ['https://token@hooks.example.com/in', 'The URL must not contain a user name or password'],
    ['https://10.0.0.1/in', '10.0.0.1 is a private address: webhooks go to public addresses only'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is the cloud metadata address: webhooks go to public addresses only'],
    ['https://[fd00:ec2::254]/', 'fd00:ec2::254 is the cloud metadata address: webhooks go to public addresses only'],
    ['https://[::ffff:10.0.0.1]/', '::ffff:a00:1 is a private address: webhooks go to public addresses only'],
    // The URL parser normalises other spellings of an IPv4 address first.
    ['https://0x7f.1/', '127.0.0.1 is a loopback address: webhooks go to public addresses only'],
    ['https://2130706433/', '127.0.0.1 is a loopback address: webhooks go to public addresses only'],
    ['https://localhost/in', 'localhost is a loopback address: webhooks go to public addresses only'],
    ['https://LOCALHOST./in', 'localhost is a loopback address: webhooks go to public addresses only'],
    ['https://api.localhost/in', 'api.localhost is a loopback address: webhooks go to public addresses only'],
  ])('refuses %s', (url, problem) => {
    expect(urlProblem(url)).toBe(problem);
  });

  it('allows http and loopback with the local switch, and nothing more', () => {
    allowLoopback(true);
    expect(urlProblem('http://127.0.0.1:8080/in')).toBeUndefined();
    expect(urlProblem('http://localhost:8080/in')).toBeUndefined();
    expect(urlProblem('http://[::1]:8080/in')).toBeUndefined();
    expect(urlProblem('http://10.0.0.1/in')).toBe('10.0.0.1 is a private address: webhooks go to public addresses only');
    expect(urlProblem('http://169.254.169.254/')).toMatch(/cloud metadata/);
    expect(urlProblem('ftp://127.0.0.1/')).toBe('The URL must use https');
  });
});

describe('the lookup Node connects through', () => {
  const lookup = (hostname: string) =>
    new Promise<{ error: NodeJS.ErrnoException | null; addresses: string | LookupAddress[] }>((resolve) =>
      checkedLookup(hostname, { all: true }, (error, addresses) => resolve({ error, addresses })),
    );

  it('refuses a name that resolves to a refused address (localhost from /etc/hosts)', async () => {
    const { error } = await lookup('localhost');
    expect(error?.name).toBe('RefusedAddress');
    expect(error?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
  });

  it('passes the resolved addresses on when they are allowed', async () => {
    allowLoopback(true);
    const { error, addresses } = await lookup('localhost');
    expect(error).toBeNull();
    expect((addresses as LookupAddress[]).length).toBeGreaterThan(0);
  });

  it('never contacts a refused URL', async () => {
    await expect(postWebhook('https://10.0.0.1/in', {}, '{}')).resolves.toEqual({ kind: 'refused', reason: '10.0.0.1 is a private address: webhooks go to public addresses only', latencyMs: 0 });
    await expect(postWebhook('http://hooks.example.com/in', {}, '{}')).resolves.toMatchObject({ kind: 'refused', reason: 'The URL must use https' });
  });
});
