import { BoEdit } from '../../shared/forms';
import { CustomerForm } from './CustomerForm';

/** Only changed fields are sent: a masked e-mail left as it is stays untouched. */
export default function CustomerEdit() {
  return (
    <BoEdit>
      <CustomerForm removablePhone />
    </BoEdit>
  );
}
