import { BoCreate } from '../../shared/forms';
import { CustomerForm } from './CustomerForm';

export default function CustomerCreate() {
  return (
    <BoCreate>
      <CustomerForm removablePhone={false} />
    </BoCreate>
  );
}
