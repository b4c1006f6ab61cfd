import type { ReactNode } from 'react';
import { AppBar, Layout as RaLayout, TitlePortal, UserMenu, useGetIdentity } from 'react-admin';
import { Menu } from './Menu';

/** The user menu's button shows the person's name, so its accessible name is that name too. */
function NamedUserMenu() {
  const { identity } = useGetIdentity();
  return <UserMenu label={identity?.fullName ?? 'ra.auth.user_menu'} />;
}

/** The page title is the page's h1 (it looks like react-admin's usual title). */
const BoAppBar = () => (
  <AppBar userMenu={<NamedUserMenu />}>
    <TitlePortal component="h1" variant="h6" />
  </AppBar>
);

export const Layout = ({ children }: { children: ReactNode }) => (
  <RaLayout menu={Menu} appBar={BoAppBar}>
    {children}
  </RaLayout>
);
