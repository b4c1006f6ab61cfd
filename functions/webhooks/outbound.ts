import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ATTEMPT_TIMEOUT_MS } from './retry-schedule';

/**
 * The one way out to partners' receivers, guarded against server-side request forgery: https only,
 * and never to a private, loopback, link-local, unique-local, CGNAT, multicast, reserved or cloud
 * metadata address. The address is checked after DNS resolution, inside the request's own `lookup`,
 * so the address checked is the address connected to (a name that re-resolves to 10.0.0.1 between a
 * check and the connection cannot slip through). Redirects are not followed: a 3xx is a failed attempt.
 *
 * Locally BACKOFFICE_WEBHOOKS_ALLOW_LOOPBACK_HTTP=1 lets test receivers listen on plain http at a
 * loopback address (127.0.0.0/8, ::1); every other refusal stays.
 */

export const ALLOW_LOOPBACK_ENV = 'BACKOFFICE_WEBHOOKS_ALLOW_LOOPBACK_HTTP';

/** Read at each call: the local runtime and tests set it after this module loads. */
function loopbackAllowed(): boolean {
  return process.env[ALLOW_LOOPBACK_ENV] === '1';
}

type Range = readonly [network: string, prefix: number];

function blockList(ranges: readonly Range[]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, network.includes(':') ? 'ipv6' : 'ipv4');
  return list;
}

const LOOPBACK = blockList([
  ['127.0.0.0', 8],
  ['::1', 128],
]);

/**
 * Refused ranges by kind, checked in this order (the first match names the refusal). BlockList also
 * matches an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) against the IPv4 ranges.
 */
const REFUSED: ReadonlyArray<{ kind: string; list: BlockList }> = [
  { kind: 'the cloud metadata address', list: blockList([['169.254.169.254', 32], ['fd00:ec2::254', 128]]) },
  { kind: 'a loopback address', list: LOOPBACK },
  { kind: 'a private address', list: blockList([['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]]) },
  { kind: 'a shared (CGNAT) address', list: blockList([['100.64.0.0', 10]]) },
  { kind: 'a link-local address', list: blockList([['169.254.0.0', 16], ['fe80::', 10]]) },
  { kind: 'a unique-local address', list: blockList([['fc00::', 7], ['fec0::', 10]]) },
  { kind: 'a multicast address', list: blockList([['224.0.0.0', 4], ['ff00::', 8]]) },
  {
    kind: 'a reserved address',
    list: blockList([
      ['0.0.0.0', 8],
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['192.88.99.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['240.0.0.0', 4],
      // Unspecified and IPv4-compatible; NAT64, discard-only, IETF protocol (Teredo), documentation
      // and 6to4: each can stand for, or tunnel to, an address refused above.
      ['::', 96],
      ['64:ff9b::', 96],
      ['64:ff9b:1::', 48],
      ['100::', 64],
      ['2001::', 23],
      ['2001:db8::', 32],
      ['2002::', 16],
      ['3fff::', 20],
    ]),
  },
];

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** What kind of refused address `address` (an IP literal) is, or undefined when a webhook may go there. */
export function refusedAddressKind(address: string): string | undefined {
  if (isIP(address) === 0) return 'not an IP address';
  const family = familyOf(address);
  if (loopbackAllowed() && LOOPBACK.check(address, family)) return undefined;
  return REFUSED.find((range) => range.list.check(address, family))?.kind;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Why a webhook may not be registered at `url`, or undefined: checked at creation, and again before
 * every attempt. Names that resolve to a refused address are caught at connection time.
 */
export function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Not a valid URL';
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopbackAllowed())) return 'The URL must use https';
  if (parsed.username !== '' || parsed.password !== '') return 'The URL must not contain a user name or password';
  const host = hostOf(parsed);
  if (host === '') return 'The URL has no host';
  if (isIP(host) !== 0) {
    const kind = refusedAddressKind(host);
    return kind ? `${host} is ${kind}: webhooks go to public addresses only` : undefined;
  }
  const name = host.toLowerCase().replace(/\.$/, '');
  if ((name === 'localhost' || name.endsWith('.localhost')) && !loopbackAllowed()) return `${name} is a loopback address: webhooks go to public addresses only`;
  return undefined;
}

/** A name resolved to a refused address: the connection is never made. */
class RefusedAddress extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedAddress';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that fails when any address of the name is refused (Node connects to what it returns). */
export function checkedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const refused = addresses.find((candidate) => refusedAddressKind(candidate.address) !== undefined);
    if (refused) return callback(new RefusedAddress(`${hostname} resolves to ${refused.address}, ${refusedAddressKind(refused.address)}`), '');
    if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
    if (options.all) return callback(null, addresses);
    return callback(null, addresses[0]!.address, addresses[0]!.family);
  });
}

export type PostResult =
  | { kind: 'answered'; status: number; latencyMs: number }
  | { kind: 'refused' | 'timeout' | 'error'; reason: string; latencyMs: number };

/** The body of an answer is read up to this many bytes and dropped (only the status counts). */
const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_REASON_LENGTH = 200;

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  const reason = code && !message.includes(code) ? `${code}: ${message}` : message;
  return reason.slice(0, MAX_REASON_LENGTH);
}

/**
 * POSTs `body` to `url`: the answer's status, or why there was none. Never throws. Each request has
 * a connection of its own (no keep-alive), so every attempt resolves and checks the address anew.
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, options: { timeoutMs?: number } = {}): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const problem = urlProblem(url);
  if (problem) return Promise.resolve({ kind: 'refused', reason: problem, latencyMs: 0 });
  const target = new URL(url);
  const timeoutMs = options.timeoutMs ?? ATTEMPT_TIMEOUT_MS;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const request = send(
      {
        method: 'POST',
        hostname: hostOf(target),
        ...(target.port ? { port: Number(target.port) } : {}),
        path: `${target.pathname}${target.search}`,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
        lookup: checkedLookup,
      },
      (response: IncomingMessage) => {
        finish({ kind: 'answered', status: response.statusCode ?? 0, latencyMs: elapsed() });
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) request.destroy();
        });
        response.on('error', () => undefined);
      },
    );
    // One deadline for the whole exchange; a body still arriving after the answer is cut off too.
    const timer = setTimeout(() => {
      finish({ kind: 'timeout', reason: `No answer within ${timeoutMs / 1000} s`, latencyMs: elapsed() });
      request.destroy();
    }, timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', (error) => {
      finish(error instanceof RefusedAddress ? { kind: 'refused', reason: error.message, latencyMs: elapsed() } : { kind: 'error', reason: reasonOf(error), latencyMs: elapsed() });
    });
    request.end(body);
  });
}
