import { Alert, Box, Button, Card, CardContent, List, ListItem, Typography } from '@mui/material';
import { useContext, useState } from 'react';
import { useLogin, useNotify, useTranslate } from 'react-admin';
import { ApiContext } from '../shared/api-context';

/**
 * Sign-in. In AWS: one button to Cognito's hosted page (authorization code + PKCE). On the local
 * runtime: the seeded staff, one button each, labelled as the development sign-in it is.
 */
export function LoginPage() {
  const config = useContext(ApiContext)?.config;
  const login = useLogin();
  const notify = useNotify();
  const translate = useTranslate();
  const [busy, setBusy] = useState(false);

  const signIn = (params: { email?: string }) => {
    setBusy(true);
    login(params).catch((error: Error) => {
      setBusy(false);
      notify(error.message, { type: 'error' });
    });
  };

  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', bgcolor: 'background.default' }}>
      <Card sx={{ maxWidth: 560, width: '100%', m: 2 }}>
        <CardContent>
          {config?.auth.mode === 'local' ? (
            <>
              <Typography component="h1" variant="h5" gutterBottom>
                {translate('bo.login.local_title')}
              </Typography>
              <Alert severity="warning" sx={{ mb: 2 }}>
                {translate('bo.login.local_notice')}
              </Alert>
              <List aria-label={translate('bo.login.local_title')}>
                {config.auth.staff.map((member) => (
                  <ListItem key={member.email} disablePadding sx={{ mb: 1 }}>
                    <Button fullWidth variant="outlined" disabled={busy} onClick={() => signIn({ email: member.email })} sx={{ justifyContent: 'space-between', textTransform: 'none' }}>
                      <span>{translate('bo.login.sign_in_as', { name: member.name })}</span>
                      <Typography component="span" variant="body2" color="text.secondary">
                        {member.email} · {member.roles.join(', ')}
                      </Typography>
                    </Button>
                  </ListItem>
                ))}
              </List>
            </>
          ) : (
            <>
              <Typography component="h1" variant="h5" gutterBottom>
                {translate('bo.login.cognito_title')}
              </Typography>
              <Button variant="contained" disabled={busy} onClick={() => signIn({})}>
                {translate('bo.login.cognito_button')}
              </Button>
            </>
          )}
        </CardContent>
      </Card>
    </Box>
  );
}
