import type { ReactNode } from 'react';
import {
  AppBar,
  Layout as RaLayout,
  LoadingIndicator,
  LocalesMenuButton,
  TitlePortal,
  ToggleThemeButton,
  UserMenu,
  useGetIdentity,
  useLocales,
  useTranslate,
} from 'react-admin';
import { Menu } from './Menu';

/** The user menu's button shows the person's name, so its accessible name is that name too. */
function NamedUserMenu() {
  const { identity } = useGetIdentity();
  return <UserMenu label={identity?.fullName ?? 'ra.auth.user_menu'} />;
}

/** react-admin's toolbar, but its loading spinner has a name (a progressbar without one fails axe). */
function Toolbar() {
  const translate = useTranslate();
  const locales = useLocales();
  return (
    <>
      {locales.length > 1 && <LocalesMenuButton />}
      <ToggleThemeButton />
      <LoadingIndicator aria-label={translate('bo.common.loading')} />
    </>
  );
}

/** The page title is the page's h1 (it looks like react-admin's usual title). */
const BoAppBar = () => (
  <AppBar userMenu={<NamedUserMenu />} toolbar={<Toolbar />}>
    <TitlePortal component="h1" variant="h6" />
  </AppBar>
);

export const Layout = ({ children }: { children: ReactNode }) => (
  <RaLayout menu={Menu} appBar={BoAppBar}>
    {children}
  </RaLayout>
);
