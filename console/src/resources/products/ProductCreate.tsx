import { BoCreate } from '../../shared/forms';
import { ProductForm } from './ProductForm';

export default function ProductCreate() {
  return (
    <BoCreate>
      <ProductForm />
    </BoCreate>
  );
}
