import type { Messages } from '.';
import { chineseMessages } from './ra-zh';

/** 简体中文：react-admin 的消息、控制台的消息（`bo.*`）和业务领域的消息（`resources.*`）。 */
export const zh: Messages = {
  ...chineseMessages,
  bo: {
    login: {
      local_title: '本地运行环境：以预置员工身份登录',
      local_notice: '这是 `npm start` 的开发用登录方式。AWS 中没有此页面，员工通过 Cognito 登录。',
      sign_in_as: '以 %{name} 身份登录',
      cognito_title: '登录 Backoffice',
      cognito_button: '登录',
    },
    errors: {
      stale: '此记录已被他人修改。请重新加载查看其修改，然后再次应用您的修改。',
      reload: '重新加载',
      forbidden: '您无权执行此操作（需要 %{permission}）',
    },
    approval: {
      sent: '已提交审批：批准之前不会有任何变更',
      open: '打开审批',
    },
    menu: {
      catalog: '商品目录',
      sales: '销售',
      service: '客户服务',
      publishing: '内容发布',
      approvals: '审批',
      finance: '财务',
      access: '访问权限',
      insight: '数据洞察',
    },
    common: {
      copy: '复制',
      copied: '已复制',
      masked: '已隐藏（需要 customers:read_pii）',
      comment: '备注',
      apply: '应用',
      none: '无',
      loading: '加载中…',
    },
    dashboard: {
      title: '仪表盘',
      welcome: '欢迎，%{name}',
      orders_per_day: '每日订单',
      revenue_per_day: '每日收入',
      refunds_per_day: '每日退款',
      pending_approvals: '等待我审批',
      overdue_tickets: '逾期工单',
      nothing: '暂无内容',
    },
  },
  resources: {
    products: {
      name: '商品',
      fields: {
        id: 'ID',
        sku: 'SKU',
        name: '名称',
        description: '描述',
        price: '价格',
        'price.amount': '价格（最小货币单位）',
        'price.currency': '币种',
        status: '状态',
        stock: '库存',
        'stock.onHand': '现有库存',
        'stock.reserved': '已预留',
        'stock.available': '可用',
        version: '版本',
        createdAt: '创建时间',
        updatedAt: '更新时间',
        updatedBy: '更新人',
        deletedAt: '删除时间',
        includeDeleted: '显示回收站',
      },
      status: { draft: '草稿', active: '在售', archived: '已归档' },
      actions: { restore: '恢复', adjust: '调整库存', trash: '回收站' },
    },
    'stock-adjustments': {
      name: '库存调整',
      fields: { delta: '变动', reason: '原因', createdAt: '时间', createdBy: '操作人', stock: '调整后库存' },
      write_off_hint: '超过策略阈值的负数变动属于报损，需要审批',
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
