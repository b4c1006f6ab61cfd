import { BoEdit } from '../../shared/forms';
import { PartnerForm } from './PartnerForm';

export default function PartnerEdit() {
  return (
    <BoEdit>
      <PartnerForm withStatus />
    </BoEdit>
  );
}
