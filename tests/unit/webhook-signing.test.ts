import { Webhook } from 'standardwebhooks';
import type { SigningSecret } from '../../functions/webhooks/model';
import { MAX_ATTEMPTS, RETRY_DELAYS_SECONDS, RETRY_WINDOW_SECONDS, retryDelaySeconds } from '../../functions/webhooks/retry-schedule';
import { newSigningSecret, signatureHeader } from '../../functions/webhooks/signing';

/**
 * Signatures are made with node:crypto and checked here by an independent receiver: the
 * `standardwebhooks` library's Webhook.verify (which also checks the timestamp's 5-minute tolerance).
 */

const body = JSON.stringify({ type: 'order.created', timestamp: '2026-01-01T00:00:00.000Z', data: { id: 'o1', note: 'né €' } });
const id = 'msg_2bXq6TBeSQ1HgSGDBWPWFlcUxBx';

function headersFor(secrets: SigningSecret[], at = new Date()) {
  const timestamp = Math.floor(at.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader(secrets, id, timestamp, body, at.toISOString()) };
}

it('makes whsec_ secrets of 24 random bytes', () => {
  const secret = newSigningSecret();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(24);
  expect(newSigningSecret()).not.toBe(secret);
});

it('signs as Standard Webhooks does: a receiver with the secret verifies the exact body', () => {
  const secret = newSigningSecret();
  const headers = headersFor([{ secret, createdAt: '2026-01-01T00:00:00.000Z' }]);
  expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  // The library's own signature is the same.
  expect(new Webhook(secret).sign(id, new Date(Number(headers['webhook-timestamp']) * 1000), body)).toBe(headers['webhook-signature']);
});

it('fails verification with another secret, another body or another id', () => {
  const secret = newSigningSecret();
  const headers = headersFor([{ secret, createdAt: '2026-01-01T00:00:00.000Z' }]);
  expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
  expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
  expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_other' })).toThrow();
});

describe('during a rotation', () => {
  const at = new Date();
  const oldSecret = newSigningSecret();
  const newSecret = newSigningSecret();
  const secrets: SigningSecret[] = [
    { secret: newSecret, createdAt: at.toISOString() },
    { secret: oldSecret, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: new Date(at.getTime() + 3600_000).toISOString() },
  ];

  it('signs with every unexpired secret, space-separated: a receiver holding either one verifies', () => {
    const headers = headersFor(secrets, at);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
  });

  it('stops signing with the old secret once it expired', () => {
    const later = new Date(at.getTime() + 3600_000);
    const headers = headersFor(secrets, later);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(1);
    // Verified at the signing time's clock: the library checks the timestamp against Date.now().
    jest.useFakeTimers({ now: later, doNotFake: ['nextTick', 'setImmediate'] });
    try {
      expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
      expect(() => new Webhook(oldSecret).verify(body, headers)).toThrow();
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses to sign with no valid secret', () => {
    expect(() => signatureHeader([{ secret: oldSecret, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-02T00:00:00.000Z' }], id, 1, body, '2026-02-01T00:00:00.000Z')).toThrow();
  });
});

it('retries on the Standard Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up', () => {
  expect(RETRY_DELAYS_SECONDS).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
  expect([1, 2, 3, 4, 5, 6, 7, 8].map(retryDelaySeconds)).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000, undefined]);
  expect(MAX_ATTEMPTS).toBe(8);
  expect(RETRY_WINDOW_SECONDS).toBe(99_305);
});
