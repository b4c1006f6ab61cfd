import { hashSecret, issueKey, keyRefusal, parseKey, secretMatches } from '../../functions/iam/api-keys';

it('issues a key whose secret only the hash can confirm', () => {
  const issued = issueKey();
  expect(issued.key.startsWith(issued.prefix)).toBe(true);
  expect(issued.key).not.toContain(issued.secretHash);
  const parsed = parseKey(issued.key);
  expect(parsed?.keyId).toBe(issued.keyId);
  expect(secretMatches(parsed!.secret, issued.secretHash)).toBe(true);
  expect(secretMatches(parsed!.secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), issued.secretHash)).toBe(false);
});

it('refuses malformed keys', () => {
  expect(parseKey(undefined)).toBeUndefined();
  expect(parseKey('bok_short_secret')).toBeUndefined();
  expect(parseKey(issueKey().key + 'x')).toBeUndefined();
});

it('hashes deterministically', () => {
  expect(hashSecret('a')).toBe(hashSecret('a'));
  expect(hashSecret('a')).not.toBe(hashSecret('b'));
});

it('explains why a key is unusable', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  expect(keyRefusal({}, now)).toBeUndefined();
  expect(keyRefusal({ revokedAt: '2026-05-01T00:00:00Z' }, now)).toBe('revoked');
  expect(keyRefusal({ expiresAt: '2026-06-01T00:00:00Z' }, now)).toBe('expired');
  expect(keyRefusal({ expiresAt: '2026-07-01T00:00:00Z' }, now)).toBeUndefined();
  expect(keyRefusal({ graceUntil: '2026-05-31T00:00:00Z' }, now)).toBe('rotated');
});
