/**
 * Partner tiers: each is a usage plan of the partner REST API (throttle + daily quota per key).
 * Shared by the CDK construct, the iam module (a partner's default limits) and the local gateway.
 */
export const PARTNER_TIERS = {
  standard: { requestsPerSecond: 10, burst: 20, dailyQuota: 10_000 },
  premium: { requestsPerSecond: 50, burst: 100, dailyQuota: 100_000 },
} as const;

export type PartnerTierName = keyof typeof PARTNER_TIERS;
export const PARTNER_TIER_NAMES = Object.keys(PARTNER_TIERS) as [PartnerTierName, ...PartnerTierName[]];
