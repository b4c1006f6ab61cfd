import frenchMessages from 'ra-language-french';
import type { Messages } from '.';

/** Français : les messages de react-admin, ceux de la console (`bo.*`) et du domaine (`resources.*`). */
export const fr: Messages = {
  ...frenchMessages,
  bo: {
    login: {
      local_title: 'Runtime local : se connecter en tant que membre du personnel de démonstration',
      local_notice: 'Connexion de développement de `npm start`. Elle n’existe pas dans AWS, où le personnel se connecte avec Cognito.',
      sign_in_as: 'Se connecter en tant que %{name}',
      cognito_title: 'Se connecter à Backoffice',
      cognito_button: 'Se connecter',
    },
    errors: {
      stale: 'Quelqu’un a modifié cet enregistrement entre-temps. Rechargez-le pour voir sa modification, puis appliquez de nouveau la vôtre.',
      reload: 'Recharger',
      forbidden: 'Vous ne pouvez pas faire cela (il faut %{permission})',
    },
    approval: {
      sent: 'Envoyé pour approbation : rien ne change avant l’approbation',
      open: 'Ouvrir l’approbation',
    },
    menu: {
      catalog: 'Catalogue',
      sales: 'Ventes',
      service: 'Service client',
      publishing: 'Publication',
      approvals: 'Approbations',
      finance: 'Finance',
      access: 'Accès',
      insight: 'Analyse',
    },
    common: {
      copy: 'Copier',
      copied: 'Copié',
      masked: 'masqué (il faut customers:read_pii)',
      comment: 'Commentaire',
      apply: 'Appliquer',
      none: 'Aucun',
      loading: 'Chargement…',
    },
    dashboard: {
      title: 'Tableau de bord',
      welcome: 'Bienvenue, %{name}',
      orders_per_day: 'Commandes par jour',
      revenue_per_day: 'Chiffre d’affaires par jour',
      refunds_per_day: 'Remboursements par jour',
      pending_approvals: 'Approbations qui m’attendent',
      overdue_tickets: 'Tickets en retard',
      nothing: 'Rien ici',
    },
  },
  resources: {
    products: {
      name: 'Produit |||| Produits',
      fields: {
        id: 'Id',
        sku: 'Référence (SKU)',
        name: 'Nom',
        description: 'Description',
        price: 'Prix',
        'price.amount': 'Prix (unités mineures)',
        'price.currency': 'Devise',
        status: 'Statut',
        stock: 'Stock',
        'stock.onHand': 'En stock',
        'stock.reserved': 'Réservé',
        'stock.available': 'Disponible',
        version: 'Version',
        createdAt: 'Créé le',
        updatedAt: 'Modifié le',
        updatedBy: 'Modifié par',
        deletedAt: 'Supprimé le',
        includeDeleted: 'Afficher la corbeille',
      },
      status: { draft: 'Brouillon', active: 'Actif', archived: 'Archivé' },
      actions: { restore: 'Restaurer', adjust: 'Ajuster le stock', trash: 'Corbeille' },
    },
    'stock-adjustments': {
      name: 'Ajustement de stock |||| Ajustements de stock',
      fields: { delta: 'Variation', reason: 'Motif', createdAt: 'Date', createdBy: 'Par', stock: 'Stock après' },
      write_off_hint: 'Une variation négative au-delà du seuil de la politique est une mise au rebut et doit être approuvée',
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
