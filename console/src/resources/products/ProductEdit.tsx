import { BoEdit } from '../../shared/forms';
import { ProductForm } from './ProductForm';

export default function ProductEdit() {
  return (
    <BoEdit>
      <ProductForm />
    </BoEdit>
  );
}
