import { BoCreate } from '../../shared/forms';
import { PartnerForm } from './PartnerForm';

const isBlank = (value: unknown) => value === null || value === undefined || value === '';

/** Left empty, the rate limit and the quota are the tier's: they are not sent at all. */
function withoutEmptyOverrides(data: Record<string, unknown>) {
  const { rateLimit, dailyQuota, ...rest } = data as { rateLimit?: { requestsPerSecond?: number; burst?: number }; dailyQuota?: number };
  const limitGiven = rateLimit && !isBlank(rateLimit.requestsPerSecond) && !isBlank(rateLimit.burst);
  return { ...rest, ...(limitGiven ? { rateLimit } : {}), ...(isBlank(dailyQuota) ? {} : { dailyQuota }) };
}

export default function PartnerCreate() {
  return (
    <BoCreate transform={withoutEmptyOverrides}>
      <PartnerForm />
    </BoCreate>
  );
}
