import ContentCopy from '@mui/icons-material/ContentCopy';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Typography } from '@mui/material';
import { useId, useState } from 'react';
import { useTranslate } from 'react-admin';
import type { Schemas } from '../../api/client';

/**
 * The secret of a key just issued (or of the successor of a rotated key). The API returns it in
 * that one answer only and stores a hash: once this dialog is closed nobody can see it again.
 */
export function SecretKeyDialog({ issued, onClose }: { issued: Schemas['IssuedKey'] | undefined; onClose: () => void }) {
  const translate = useTranslate();
  const titleId = useId();
  const [copied, setCopied] = useState(false);
  const close = () => {
    setCopied(false);
    onClose();
  };
  const copy = async () => {
    await navigator.clipboard.writeText(issued!.key);
    setCopied(true);
  };
  return (
    // A stray click beside the dialog must not throw the secret away: only its buttons (or Escape) close it.
    <Dialog open={issued !== undefined} onClose={(_event, reason) => reason !== 'backdropClick' && close()} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <DialogTitle id={titleId}>{translate('resources.partner-keys.secret.title')}</DialogTitle>
      <DialogContent>
        <Alert severity="warning" sx={{ mb: 2 }}>
          {translate('resources.partner-keys.secret.once')}
        </Alert>
        <Typography variant="body2" gutterBottom>
          {translate('resources.partner-keys.secret.prefix', { prefix: issued?.prefix ?? '' })}
        </Typography>
        <Box
          component="code"
          aria-label={translate('resources.partner-keys.secret.label')}
          sx={{ display: 'block', p: 1.5, bgcolor: 'action.hover', borderRadius: 1, fontFamily: 'monospace', wordBreak: 'break-all', userSelect: 'all' }}
        >
          {issued?.key}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button startIcon={<ContentCopy />} onClick={copy} aria-live="polite">
          {translate(copied ? 'bo.common.copied' : 'bo.common.copy')}
        </Button>
        <Button variant="contained" onClick={close}>
          {translate('resources.partner-keys.secret.done')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
