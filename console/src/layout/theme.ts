import { defaultDarkTheme, defaultLightTheme } from 'react-admin';

/**
 * react-admin's default themes, the light one with darker primary and error colours so that text
 * and buttons on them, including the red Delete on the grey form toolbar, keep a 4.5:1 contrast.
 */
export const theme = {
  ...defaultLightTheme,
  palette: { ...defaultLightTheme.palette, primary: { main: '#1f4e99' }, secondary: { main: '#1f4e99' }, error: { main: '#b71c1c' } },
  components: {
    ...defaultLightTheme.components,
    // An empty list's message is drawn in the disabled text colour by default: too faint to read (axe: color-contrast).
    RaEmpty: { styleOverrides: { root: { '& .RaEmpty-message': { opacity: 1, color: 'rgba(0, 0, 0, 0.6)' } } } },
  },
};
export const darkTheme = defaultDarkTheme;
