import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle } from '@mui/material';
import { useId, useState, type ReactElement, type ReactNode } from 'react';
import { Form, HttpError, SaveButton, useCanAccess, useTranslate } from 'react-admin';

export interface CommandDialogProps {
  /** Button and dialog title (a translation key or text). */
  label: string;
  /** The button's accessible name when the label alone is ambiguous (one button per row of a table); it should start with the label. */
  ariaLabel?: string;
  /** What the command does, said before the person confirms. */
  description?: ReactNode;
  /** The permission check: the button is not shown to someone the API would refuse. */
  access: { resource: string; action: string };
  /** Runs the command with the dialog's values; a refusal with field errors keeps the dialog open. */
  onSubmit: (values: Record<string, unknown>) => Promise<unknown>;
  defaultValues?: Record<string, unknown>;
  icon?: ReactElement;
  color?: 'primary' | 'error' | 'warning' | 'success' | 'inherit';
  disabled?: boolean;
  /** Inputs of the command (none: a confirmation). */
  children?: ReactNode;
}

/** A command behind a button: a dialog with its inputs (or a confirmation), keyboard-operable, errors on the fields. */
export function CommandDialog({ label, ariaLabel, description, access, onSubmit, defaultValues, icon, color = 'primary', disabled, children }: CommandDialogProps) {
  const [open, setOpen] = useState(false);
  const translate = useTranslate();
  const titleId = useId();
  const { canAccess, isPending } = useCanAccess(access);
  if (isPending || !canAccess) return null;

  const submit = async (values: Record<string, unknown>) => {
    try {
      await onSubmit(values);
      setOpen(false);
      return undefined;
    } catch (error) {
      // Field errors go onto the dialog's fields; anything else was already said in a notification.
      if (error instanceof HttpError && (error.body as { errors?: Record<string, unknown> })?.errors) return (error.body as { errors: Record<string, unknown> }).errors;
      return undefined;
    }
  };

  const title = translate(label, { _: label });
  return (
    <>
      <Button size="small" color={color} startIcon={icon} disabled={disabled} aria-label={ariaLabel} onClick={() => setOpen(true)}>
        {title}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby={titleId} fullWidth maxWidth="sm">
        <Form onSubmit={submit} defaultValues={defaultValues} record={defaultValues}>
          <DialogTitle id={titleId}>{title}</DialogTitle>
          <DialogContent>
            {description && <DialogContentText sx={{ mb: 2 }}>{description}</DialogContentText>}
            {children}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)}>{translate('ra.action.cancel')}</Button>
            <SaveButton label={title} icon={icon ?? <></>} alwaysEnable />
          </DialogActions>
        </Form>
      </Dialog>
    </>
  );
}
