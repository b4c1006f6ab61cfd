import { BoCreate } from '../../shared/forms';
import { ContentForm } from './ContentForm';

export default function ContentCreate() {
  return (
    <BoCreate>
      <ContentForm creating />
    </BoCreate>
  );
}
