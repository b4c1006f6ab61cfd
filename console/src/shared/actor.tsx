import { useGetIdentity, useTranslate } from 'react-admin';

/** `staff:<id>` of the signed-in person, as the API writes actors (requestedBy, decidedBy, author…). */
export function useMyActor(): string | undefined {
  const { identity } = useGetIdentity();
  return identity ? `staff:${identity.id}` : undefined;
}

/** An actor as the API names it, or "you" when it is the signed-in person (staff ids mean little to a reader). */
export function ActorText({ actor }: { actor: string | undefined }) {
  const me = useMyActor();
  const translate = useTranslate();
  if (!actor) return null;
  return <span title={actor}>{actor === me ? translate('resources.approvals.you') : actor}</span>;
}
