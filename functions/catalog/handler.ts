import { requirePermission } from '../shared/auth/authorize';
import { writeContextOf } from '../shared/http/context';
import { createHttpHandler } from '../shared/http/app';
import { updateProductOrRequestApproval } from './price-changes';
import { catalogRoutes } from './routes';
import { createProduct, deleteProduct, getProduct, listProducts, restoreProduct, toPartnerProduct, toProduct } from './products';
import { listStockAdjustments } from './stock';
import { adjustStockOrRequestApproval } from './write-offs';

export const handler = createHttpHandler(catalogRoutes, {
  createProduct: async (req) => {
    const product = await createProduct(req.body, writeContextOf(req));
    return { status: 201, body: product, headers: { location: `/admin/v1/products/${product.id}` } };
  },
  listProducts: async (req) => {
    if (req.query.includeDeleted) requirePermission(req.principal, 'products:delete');
    const page = await listProducts(req.query, 'admin.products');
    return { status: 200, body: { items: page.items.map(toProduct), nextCursor: page.nextCursor } };
  },
  getProduct: async (req) => ({ status: 200, body: await getProduct(req.params.id) }),
  updateProduct: async (req) => {
    const result = await updateProductOrRequestApproval(req.params.id, req.body, req.ifMatch, writeContextOf(req));
    if ('approval' in result) {
      return { status: 202, body: result, headers: { location: `/admin/v1/approvals/${result.approval.id}` } };
    }
    return { status: 200, body: result.product };
  },
  deleteProduct: async (req) => {
    await deleteProduct(req.params.id, req.ifMatch, writeContextOf(req));
    return { status: 204, body: undefined };
  },
  restoreProduct: async (req) => ({
    status: 200,
    body: await restoreProduct(req.params.id, req.ifMatch, writeContextOf(req)),
  }),
  adjustStock: async (req) => {
    const result = await adjustStockOrRequestApproval(req.params.id, req.body, writeContextOf(req));
    if ('approval' in result) {
      return { status: 202, body: result, headers: { location: `/admin/v1/approvals/${result.approval.id}` } };
    }
    return { status: 201, body: result.adjustment };
  },
  listStockAdjustments: async (req) => ({
    status: 200,
    body: await listStockAdjustments(req.params.id, req.query.limit, req.query.cursor),
  }),
  partnerListProducts: async (req) => {
    const page = await listProducts({ ...req.query, status: 'active', includeDeleted: false }, 'partner.products');
    const items = page.items.map((record) => toPartnerProduct(toProduct(record)));
    return { status: 200, body: { items, nextCursor: page.nextCursor } };
  },
});
