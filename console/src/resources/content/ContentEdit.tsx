import { BoEdit } from '../../shared/forms';
import { ContentForm } from './ContentForm';

/** Saves a new version of the title and body (PUT replaces both). */
export default function ContentEdit() {
  return (
    <BoEdit>
      <ContentForm />
    </BoEdit>
  );
}
