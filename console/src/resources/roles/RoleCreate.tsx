import { BoCreate } from '../../shared/forms';
import { RoleForm } from './RoleForm';

export default function RoleCreate() {
  return (
    <BoCreate>
      <RoleForm creating />
    </BoCreate>
  );
}
