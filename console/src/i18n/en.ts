import englishMessages from 'ra-language-english';

/**
 * English: react-admin's own messages, the console's (`bo.*`) and the domain's (`resources.*`:
 * names and field labels). fr.ts and zh.ts have the same keys; a unit test keeps them complete.
 */
export const en = {
  ...englishMessages,
  bo: {
    login: {
      local_title: 'Local runtime: sign in as a seeded staff member',
      local_notice: 'Development sign-in of `npm start`. It does not exist in AWS, where staff sign in with Cognito.',
      sign_in_as: 'Sign in as %{name}',
      cognito_title: 'Sign in to Backoffice',
      cognito_button: 'Sign in',
    },
    errors: {
      stale: 'Someone changed this record meanwhile. Reload it to see their change, then apply yours again.',
      reload: 'Reload',
      forbidden: 'You may not do this (%{permission} is needed)',
    },
    approval: {
      sent: 'Sent for approval: nothing changes until it is approved',
      open: 'Open the approval',
    },
    menu: {
      catalog: 'Catalog',
      sales: 'Sales',
      service: 'Service',
      publishing: 'Publishing',
      approvals: 'Approvals',
      finance: 'Finance',
      access: 'Access',
      insight: 'Insight',
    },
    common: {
      copy: 'Copy',
      copied: 'Copied',
      masked: 'hidden (needs customers:read_pii)',
      comment: 'Comment',
      apply: 'Apply',
      none: 'None',
      loading: 'Loading…',
    },
    dashboard: {
      title: 'Dashboard',
      welcome: 'Welcome, %{name}',
      orders_per_day: 'Orders per day',
      revenue_per_day: 'Revenue per day',
      refunds_per_day: 'Refunds per day',
      pending_approvals: 'Approvals waiting for me',
      overdue_tickets: 'Overdue tickets',
      nothing: 'Nothing here',
    },
  },
  resources: {
    products: {
      name: 'Product |||| Products',
      fields: {
        id: 'Id',
        sku: 'SKU',
        name: 'Name',
        description: 'Description',
        price: 'Price',
        'price.amount': 'Price (minor units)',
        'price.currency': 'Currency',
        status: 'Status',
        stock: 'Stock',
        'stock.onHand': 'On hand',
        'stock.reserved': 'Reserved',
        'stock.available': 'Available',
        version: 'Version',
        createdAt: 'Created',
        updatedAt: 'Updated',
        updatedBy: 'Updated by',
        deletedAt: 'Deleted',
        includeDeleted: 'Show the trash',
      },
      status: { draft: 'Draft', active: 'Active', archived: 'Archived' },
      actions: { restore: 'Restore', adjust: 'Adjust stock', trash: 'Trash' },
    },
    'stock-adjustments': {
      name: 'Stock adjustment |||| Stock adjustments',
      fields: { delta: 'Change', reason: 'Reason', createdAt: 'When', createdBy: 'By', stock: 'Stock after' },
      write_off_hint: 'A negative change beyond the policy threshold is a write-off and needs approval',
    },
    // ── customers ──
    'customers': {
      name: 'customers',
    },
    // ── orders ──
    'orders': {
      name: 'orders',
    },
    // ── shipments ──
    'shipments': {
      name: 'shipments',
    },
    // ── ledger-accounts ──
    'ledger-accounts': {
      name: 'ledger-accounts',
    },
    // ── ledger-entries ──
    'ledger-entries': {
      name: 'ledger-entries',
    },
    // ── trial-balance ──
    'trial-balance': {
      name: 'trial-balance',
    },
    // ── approvals ──
    'approvals': {
      name: 'approvals',
    },
    // ── approval-policies ──
    'approval-policies': {
      name: 'approval-policies',
    },
    // ── tickets ──
    'tickets': {
      name: 'tickets',
    },
    // ── ticket-comments ──
    'ticket-comments': {
      name: 'ticket-comments',
    },
    // ── content ──
    'content': {
      name: 'content',
    },
    // ── content-versions ──
    'content-versions': {
      name: 'content-versions',
    },
    // ── partners ──
    'partners': {
      name: 'partners',
    },
    // ── partner-keys ──
    'partner-keys': {
      name: 'partner-keys',
    },
    // ── staff ──
    'staff': {
      name: 'staff',
    },
    // ── roles ──
    'roles': {
      name: 'roles',
    },
    // ── audit ──
    'audit': {
      name: 'audit',
    },
    // ── exports ──
    'exports': {
      name: 'exports',
    },
  },
};
