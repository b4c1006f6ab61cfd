import Article from '@mui/icons-material/Article';
import type { ResourceProps } from 'react-admin';

/** Screens not written yet: the resource is registered so references and menus know it. */
export const content: ResourceProps = {
  name: 'content',
  icon: Article,
};
