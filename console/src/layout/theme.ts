import { defaultDarkTheme, defaultLightTheme } from 'react-admin';

/** react-admin's default themes; the light one with a darker primary so text on it keeps a 4.5:1 contrast. */
export const theme = { ...defaultLightTheme, palette: { ...defaultLightTheme.palette, primary: { main: '#1f4e99' }, secondary: { main: '#1f4e99' } } };
export const darkTheme = defaultDarkTheme;
