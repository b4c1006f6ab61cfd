import Article from '@mui/icons-material/Article';
import { lazy } from 'react';
import type { ResourceProps } from 'react-admin';

export const content: ResourceProps = {
  name: 'content',
  icon: Article,
  list: lazy(() => import('./ContentList')),
  show: lazy(() => import('./ContentShow')),
  edit: lazy(() => import('./ContentEdit')),
  create: lazy(() => import('./ContentCreate')),
  recordRepresentation: 'title',
};
